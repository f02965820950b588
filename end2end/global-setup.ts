// Waits for the server serve-and-test.sh started to answer /api/health, so the
// tests never race its start-up (migrations and demo seeding).
export default async function globalSetup() {
  const base = `http://${process.env.LEPTOS_SITE_ADDR ?? "127.0.0.1:3210"}`;
  const deadline = Date.now() + 180_000;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/api/health`);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the app at ${base} did not become healthy: ${last}`);
}
