//! TCP_NODELAY on the database's sockets.
//!
//! sqlx 0.9.0 stopped setting TCP_NODELAY on its sockets (sqlx issue
//! #4335; the fix, #4336, is merged but not released). Without it, a
//! statement bigger than one TCP segment leaves its tail waiting for the
//! server's delayed ACK: about 40 ms each time on Linux. That is every
//! multi-row INSERT of a push, and over a real network most single sales
//! too (their audit row alone is over 1,460 bytes). Measured here: a push
//! of 2,000 sales over TCP took 3.9 s, over the Unix socket 0.6 s.
//!
//! sqlx gives no handle on its socket, so after each new database
//! connection every TCP socket of this process gets TCP_NODELAY. That is
//! harmless for the others (hyper sets it on HTTP sockets anyway; Redis is
//! better for it too). Remove this when sqlx sets it again.

/// Sets TCP_NODELAY on every TCP socket this process has open (Linux; a
/// no-op elsewhere).
pub fn on_every_tcp_socket() {
    #[cfg(target_os = "linux")]
    {
        let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
            return;
        };
        let fds = entries
            .flatten()
            .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok());
        for fd in fds {
            // SAFETY: the descriptor is borrowed for one setsockopt call.
            // Closed meanwhile, the call fails (EBADF); reused meanwhile,
            // it sets TCP_NODELAY on whichever socket has the number now,
            // which is harmless. Files and non-TCP sockets refuse it.
            let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
            let _ = socket2::SockRef::from(&fd).set_tcp_nodelay(true);
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    #[test]
    fn every_open_tcp_socket_gets_nodelay() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let stream = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        stream.set_nodelay(false).unwrap();
        on_every_tcp_socket();
        assert!(stream.nodelay().unwrap());
    }
}
