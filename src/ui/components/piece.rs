//! A piece of the client fetched when first used (a back-office page; the
//! customers, store credit or clock screen; the conflict resolver;
//! docs/ARCHITECTURE.md, "The client comes in pieces").
//!
//! The service worker keeps every piece at install, so a piece is normally
//! read from the till itself. It can still fail to arrive: a page opened
//! before the worker took over and the Wi-Fi dropped meanwhile, or a cache
//! the browser emptied. Leptos's own `#[lazy]` then panics, which stops the
//! whole client, checkout included. Ours are `fallible`: the screen says in
//! plain words that this page could not be loaded, the rest of the till
//! keeps working, and Try again fetches the piece anew (the loader does not
//! remember a failure).

use leptos::prelude::*;
use leptos::wasm_split::SplitLoaderError;
use std::future::Future;
use std::pin::Pin;

/// A piece of the client could not be fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PieceUnreachable;

impl From<SplitLoaderError> for PieceUnreachable {
    fn from(_: SplitLoaderError) -> Self {
        PieceUnreachable
    }
}

/// What a piece gives once fetched: its view, or that it did not arrive.
pub type Fetched = Result<AnyView, PieceUnreachable>;

/// Fetches a page's piece and gives its view.
pub type PagePiece = fn() -> Pin<Box<dyn Future<Output = Fetched> + Send>>;

/// A page as a lazy route whose code is a fallible piece of its own:
/// `$route` is what `<Route view=…>` names (`Lazy::<$route>::new()`),
/// `$piece` the piece (`split_<piece>.wasm` in the build, and a module
/// here), `$page` the page's component.
///
/// The router fetches the piece (`preload`) before it asks for the view,
/// so the view is ready on its first poll, on the server and in the
/// browser alike: hydrating a page the server rendered needs that (a view
/// still pending in the browser does not match the server's HTML).
macro_rules! page_piece {
    ($($route:ident, $piece:ident => $page:ident),* $(,)?) => {$(
        #[doc = concat!("`", stringify!($page), "`, fetched when first opened.")]
        pub struct $route;

        impl ::leptos_router::LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> ::leptos::prelude::AnyView {
                $crate::ui::components::piece::open_page(|| Box::pin($piece::page())).await
            }

            async fn preload() {
                // A failure shows in `view`, which fetches again.
                let _ = $piece::preload().await;
            }
        }

        mod $piece {
            use super::*;
            use ::leptos::prelude::*;

            #[::leptos::wasm_split::wasm_split(
                $piece,
                fallible,
                wasm_split_path = ::leptos::wasm_split,
                preload(preload)
            )]
            pub fn page() -> $crate::ui::components::piece::Fetched {
                Ok(view! { <$page/> }.into_any())
            }
        }
    )*};
}
pub(crate) use page_piece;

/// The page's view, or, when its piece did not arrive, a notice with Try
/// again in its place.
pub async fn open_page(piece: PagePiece) -> AnyView {
    match piece().await {
        Ok(view) => view,
        Err(PieceUnreachable) => view! { <PageRetry piece/> }.into_any(),
    }
}

/// Fetches the page's piece again each time Try again is pressed.
#[component]
fn PageRetry(piece: PagePiece) -> impl IntoView {
    let attempts = RwSignal::new(0_u32);
    let retry = Callback::new(move |()| attempts.update(|n| *n += 1));
    move || {
        let tried_again = attempts.get() > 0;
        if !tried_again {
            return view! { <PieceMissing retry tried_again/> }.into_any();
        }
        Suspend::new(async move {
            match piece().await {
                Ok(view) => view,
                Err(PieceUnreachable) => view! { <PieceMissing retry tried_again/> }.into_any(),
            }
        })
        .into_any()
    }
}

/// What the cashier or manager sees when a piece did not arrive.
#[component]
pub fn PieceMissing(
    /// Fetches the piece again.
    retry: Callback<()>,
    /// A retry has failed already (the words say so, so the press is seen).
    #[prop(optional)]
    tried_again: bool,
) -> impl IntoView {
    view! {
        <div class="notice piece-missing" role="alert" data-testid="piece-missing">
            <h2>"This screen could not be loaded"</h2>
            <p>
                {if tried_again { "Tried again: it still did not arrive. " } else { "" }}
                "This till has not kept this screen yet and could not fetch it. Check the \
                 connection, then try again. The checkout and everything already on this \
                 till keep working."
            </p>
            <button class="button big" type="button" on:click=move |_| retry.run(())>
                "Try again"
            </button>
        </div>
    }
}
