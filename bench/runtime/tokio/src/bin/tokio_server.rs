//! The peers' servers on tokio: `tokio_server PORT mt|ct echo|http-raw|http-hyper`,
//! bound to 127.0.0.1, one task per connection, TCP_NODELAY on.
use std::convert::Infallible;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nHello, World!";

async fn echo(mut s: TcpStream) {
    let mut buf = vec![0u8; 4096];
    loop {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if s.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}

fn find_head_end(b: &[u8]) -> Option<usize> {
    b.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4)
}

async fn http_raw(mut s: TcpStream) {
    let mut buf = vec![0u8; 8192];
    let mut len = 0;
    let mut out = Vec::with_capacity(8192);
    loop {
        let n = match s.read(&mut buf[len..]).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        len += n;
        let mut start = 0;
        while let Some(end) = find_head_end(&buf[start..len]) {
            out.extend_from_slice(RESPONSE);
            start += end;
        }
        buf.copy_within(start..len, 0);
        len -= start;
        if len == buf.len() {
            return; // a head larger than the buffer
        }
        if !out.is_empty() {
            if s.write_all(&out).await.is_err() {
                return;
            }
            out.clear();
        }
    }
}

async fn serve(port: u16, mode: String) {
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    if mode == "http-hyper" {
        let make = hyper::service::make_service_fn(|_| async {
            Ok::<_, Infallible>(hyper::service::service_fn(|_req| async {
                let mut r = hyper::Response::new(hyper::Body::from("Hello, World!"));
                r.headers_mut().insert(
                    hyper::header::CONTENT_TYPE,
                    hyper::header::HeaderValue::from_static("text/plain"),
                );
                Ok::<_, Infallible>(r)
            }))
        });
        hyper::Server::bind(&addr)
            .http1_only(true)
            .tcp_nodelay(true)
            .serve(make)
            .await
            .unwrap();
        return;
    }
    let l = TcpListener::bind(addr).await.unwrap();
    loop {
        let (s, _) = match l.accept().await {
            Ok(c) => c,
            Err(_) => continue,
        };
        let _ = s.set_nodelay(true);
        if mode == "echo" {
            tokio::spawn(echo(s));
        } else {
            tokio::spawn(http_raw(s));
        }
    }
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() != 4 || !["echo", "http-raw", "http-hyper"].contains(&a[3].as_str()) {
        eprintln!("usage: tokio_server PORT mt|ct echo|http-raw|http-hyper");
        std::process::exit(2);
    }
    let port: u16 = a[1].parse().expect("port");
    let rt = match a[2].as_str() {
        "mt" => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build(),
        "ct" => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        _ => panic!("flavour: mt or ct"),
    }
    .unwrap();
    rt.block_on(serve(port, a[3].clone()));
}
