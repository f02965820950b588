//! SQLite's own memory comes from mimalloc, like the rest of the server's,
//! and is not counted.
//!
//! The SQLite that sqlx builds in allocates with the C library's `malloc`
//! and, by default, counts every allocation under one global mutex. Under
//! fifty busy tills on SQLite that was about a tenth of the server's CPU
//! (glibc's `_int_malloc`, `malloc_consolidate`, `unlink_chunk`, `free`,
//! and `malloc_usable_size` for the count; perf, BENCHMARKS.md "Checkout"),
//! nearly all of it on the one thread that writes the groups of sales.
//! Nothing reads SQLite's memory figures.

use libmimalloc_sys::{mi_free, mi_malloc, mi_realloc, mi_usable_size};
use libsqlite3_sys::{
    SQLITE_CONFIG_MALLOC, SQLITE_CONFIG_MEMSTATUS, SQLITE_OK, sqlite3_config, sqlite3_mem_methods,
};
use std::ffi::{c_int, c_void};

// SQLite asks only for sizes above zero, and reallocates only what it
// allocated (sqlite3MemMalloc, sqlite3MemRealloc in its mem1.c).
unsafe extern "C" fn allocate(size: c_int) -> *mut c_void {
    unsafe { mi_malloc(size as usize) }
}

unsafe extern "C" fn free(block: *mut c_void) {
    unsafe { mi_free(block) }
}

unsafe extern "C" fn reallocate(block: *mut c_void, size: c_int) -> *mut c_void {
    unsafe { mi_realloc(block, size as usize) }
}

unsafe extern "C" fn size_of_block(block: *mut c_void) -> c_int {
    let size = unsafe { mi_usable_size(block) };
    c_int::try_from(size).unwrap_or(c_int::MAX)
}

/// What `allocate(size)` gives at least: SQLite's own rounding (8 bytes).
unsafe extern "C" fn round_up(size: c_int) -> c_int {
    size.saturating_add(7) & !7
}

unsafe extern "C" fn start(_: *mut c_void) -> c_int {
    SQLITE_OK
}

unsafe extern "C" fn stop(_: *mut c_void) {}

/// What the server and the benchmark say when `use_the_server_allocator`
/// was refused.
pub const KEPT_ITS_OWN: &str = "SQLite keeps its own allocator (it had started already)";

/// Call once, first thing, before any database is opened (SQLite takes its
/// configuration only before it starts). Returns whether it took it.
pub fn use_the_server_allocator() -> bool {
    let methods = sqlite3_mem_methods {
        xMalloc: Some(allocate),
        xFree: Some(free),
        xRealloc: Some(reallocate),
        xSize: Some(size_of_block),
        xRoundup: Some(round_up),
        xInit: Some(start),
        xShutdown: Some(stop),
        pAppData: std::ptr::null_mut(),
    };
    // SAFETY: both options are read before SQLite starts, on this thread;
    // SQLite copies the methods. It refuses (SQLITE_MISUSE) once started,
    // and then keeps its own allocator.
    let off: c_int = 0;
    unsafe {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, off) == SQLITE_OK
            && sqlite3_config(SQLITE_CONFIG_MALLOC, &raw const methods) == SQLITE_OK
    }
}
