//! The client's final link keeps its relocations (`--emit-relocs`), which
//! the splitter needs to cut the WASM into the main module and the
//! back-office pages' pieces (Makefile, `bundle`). Only that link: a
//! RUSTFLAGS or `.cargo/config.toml` flag would rebuild every dependency
//! and replace the config's `--cfg erase_components`.
fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo::rustc-cdylib-link-arg=--emit-relocs");
    }
}
