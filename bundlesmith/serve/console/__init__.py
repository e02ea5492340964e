"""The admin console of `bundlesmith serve`: server-rendered pages at `/` over the admin API's own code.

    front = ConsoleFront(api_app, token=token, allowed=hosts, console=console_app(state), sessions=state.sessions)

gate.py (Host, session, body limit, CSRF; the console's paths vs the API's) -> app.py (routes) -> signin.py,
pages.py (GET), actions.py (POST, through `serve.connections`) -> views.py, forms.py, diffs.py (pure) and
build_copies.py (the one reader of retained builds' objects). Templates and static files: `templates/console/`.
"""
