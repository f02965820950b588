// How the client build's files are named, for the scripts that make and
// measure them (fingerprint.mjs, first-load.mjs) and the browser tests
// (client_build.spec.ts). The server tells the same names apart in
// src/server/client_build.rs (`is_client_file`).

// A piece of the client as the splitter writes it: `split_<name>.wasm`
// for a lazy page or function, `chunk_<n>.wasm` for code two pieces share.
export const PIECE = /^(split_[A-Za-z0-9_]*|chunk_[0-9]*)\.wasm$/;

// The same piece once named after its build: `tillwise.<build>.<piece>`.
export const isBuiltPiece = (path) => {
  const name = path.split("/").pop();
  const piece = /^tillwise\.[0-9a-f]{16}\.(.*)$/.exec(name)?.[1];
  return piece !== undefined && PIECE.test(piece);
};
