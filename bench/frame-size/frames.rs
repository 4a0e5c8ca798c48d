// frames.rs - the async functions of frames.c in Rust, printing the size of
// each one's future (std::mem::size_of_val), for bench/frame-size/run.sh.
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// coast_yield(): pending once, then ready.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = i32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<i32> {
        if self.0 {
            return Poll::Ready(0);
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

async fn leaf(x: i32) -> i32 {
    YieldNow(false).await;
    x + 1
}

async fn wrap1(x: i32) -> i32 {
    leaf(x).await
}

async fn wrap2(x: i32) -> i32 {
    wrap1(x).await
}

async fn wrap3(x: i32) -> i32 {
    wrap2(x).await
}

async fn buffer(n: i32) -> i32 {
    let mut buf = [0u8; 256];
    buf[(n & 255) as usize] = n as u8;
    leaf(n).await;
    buf[(n & 255) as usize] as i32
}

async fn siblings(n: i32) -> i32 {
    let r;
    if n != 0 {
        let mut a = [0u8; 256];
        a[0] = n as u8;
        leaf(n).await;
        r = a[0] as i32;
    } else {
        let mut b = [0u8; 256];
        b[0] = n as u8;
        leaf(n).await;
        r = b[0] as i32;
    }
    r
}

async fn sequence(n: i32) -> i32 {
    let a = leaf(n).await;
    let b = buffer(a).await;
    let c = wrap3(b).await;
    a + b + c
}

fn main() {
    println!("leaf {}", std::mem::size_of_val(&leaf(1)));
    println!("wrap1 {}", std::mem::size_of_val(&wrap1(1)));
    println!("wrap2 {}", std::mem::size_of_val(&wrap2(1)));
    println!("wrap3 {}", std::mem::size_of_val(&wrap3(1)));
    println!("buffer {}", std::mem::size_of_val(&buffer(1)));
    println!("siblings {}", std::mem::size_of_val(&siblings(1)));
    println!("sequence {}", std::mem::size_of_val(&sequence(1)));
}
