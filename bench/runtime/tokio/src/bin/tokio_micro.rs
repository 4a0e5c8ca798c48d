//! The peers' micro workloads on tokio (their README's table): one warm-up
//! and one measured pass each, for every flavour named on the command line
//! (`mt`: 2 workers, `ct`: current thread).
use std::future::Future;
use std::pin::Pin;
use std::time::Instant;

const SPAWN_N: u64 = 1_000_000;
const YIELD_TASKS: u64 = 1_000;
const YIELD_ITERS: u64 = 1_000;
const PING_N: u64 = 1_000_000;
const CHAIN_DEPTH: u64 = 10_000;
const CHAIN_REPS: u64 = 100;

async fn spawn_join() -> f64 {
    tokio::spawn(async {
        let start = Instant::now();
        let mut hs = Vec::with_capacity(SPAWN_N as usize);
        for i in 0..SPAWN_N {
            hs.push(tokio::spawn(async move { i }));
        }
        let mut sum = 0u64;
        for h in hs {
            sum += h.await.unwrap();
        }
        assert_eq!(sum, SPAWN_N * (SPAWN_N - 1) / 2);
        start.elapsed().as_nanos() as f64 / SPAWN_N as f64
    })
    .await
    .unwrap()
}

async fn yield_storm() -> f64 {
    let start = Instant::now();
    let hs: Vec<_> = (0..YIELD_TASKS)
        .map(|_| {
            tokio::spawn(async {
                for _ in 0..YIELD_ITERS {
                    tokio::task::yield_now().await;
                }
            })
        })
        .collect();
    for h in hs {
        h.await.unwrap();
    }
    start.elapsed().as_nanos() as f64 / (YIELD_TASKS * YIELD_ITERS) as f64
}

async fn ping_pong() -> f64 {
    let (tx1, mut rx1) = tokio::sync::mpsc::channel::<u64>(1);
    let (tx2, mut rx2) = tokio::sync::mpsc::channel::<u64>(1);
    let start = Instant::now();
    let ponger = tokio::spawn(async move {
        for _ in 0..PING_N {
            let v = rx1.recv().await.unwrap();
            tx2.send(v).await.unwrap();
        }
    });
    let pinger = tokio::spawn(async move {
        let mut s = 0u64;
        for i in 0..PING_N {
            tx1.send(i).await.unwrap();
            s += rx2.recv().await.unwrap();
        }
        s
    });
    ponger.await.unwrap();
    let s = pinger.await.unwrap();
    assert_eq!(s, PING_N * (PING_N - 1) / 2);
    start.elapsed().as_nanos() as f64 / PING_N as f64
}

fn chain(n: u64) -> Pin<Box<dyn Future<Output = u64> + Send>> {
    Box::pin(async move {
        if n == 0 {
            0
        } else {
            chain(n - 1).await + 1
        }
    })
}

async fn chain_bench() -> f64 {
    tokio::spawn(async {
        let start = Instant::now();
        let mut s = 0;
        for _ in 0..CHAIN_REPS {
            s += chain(CHAIN_DEPTH).await;
        }
        assert_eq!(s, CHAIN_DEPTH * CHAIN_REPS);
        start.elapsed().as_nanos() as f64 / (CHAIN_DEPTH * CHAIN_REPS) as f64
    })
    .await
    .unwrap()
}

async fn all(label: &str) {
    spawn_join().await;
    println!(
        "spawn_join impl={} ns_per_task={:.1} tasks={}",
        label,
        spawn_join().await,
        SPAWN_N
    );
    yield_storm().await;
    println!(
        "yield_storm impl={} ns_per_yield={:.1} tasks={} yields_per_task={}",
        label,
        yield_storm().await,
        YIELD_TASKS,
        YIELD_ITERS
    );
    ping_pong().await;
    println!(
        "ping_pong impl={} ns_per_roundtrip={:.1} roundtrips={}",
        label,
        ping_pong().await,
        PING_N
    );
    chain_bench().await;
    println!(
        "chain impl={} ns_per_level={:.2} depth={} reps={}",
        label,
        chain_bench().await,
        CHAIN_DEPTH,
        CHAIN_REPS
    );
}

fn main() {
    for flavour in std::env::args().skip(1) {
        let rt = match flavour.as_str() {
            "mt" => tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_stack_size(64 << 20)
                .build(),
            "ct" => tokio::runtime::Builder::new_current_thread().build(),
            _ => panic!("usage: tokio_micro mt|ct ..."),
        }
        .unwrap();
        rt.block_on(all(&format!("tokio-{}", flavour)));
    }
}
