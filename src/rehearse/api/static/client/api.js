// Calls to the rehearse api with the invite token; errors become ApiError with a code.

export class ApiError extends Error {
  constructor(status, code, message, retryAfter = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

let token = null;

// The token arrives in the URL fragment (never sent to a server); keep it for reloads of this
// tab only, and take it out of the address bar and history.
export function loadToken() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const fromLink = fragment.get("invite");
  if (fromLink) {
    sessionStorage.setItem("rehearse.invite", fromLink);
    history.replaceState(null, "", location.pathname + location.search);
  }
  token = fromLink || sessionStorage.getItem("rehearse.invite");
  return token;
}

export function withToken(path) {
  const separator = path.includes("?") ? "&" : "?";
  return `${path}${separator}access_token=${encodeURIComponent(token)}`;
}

export function artifactUrl(id) {
  return withToken(`/v1/artifacts/${id}`);
}

export async function call(method, path, body = undefined) {
  const headers = { Authorization: `Bearer ${token}` };
  let payload = body;
  if (body !== undefined && !(body instanceof FormData)) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload });
  } catch {
    throw new ApiError(0, "network", "network error");
  }
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = data?.error ?? {};
    const retry = Number(response.headers.get("Retry-After")) || null;
    throw new ApiError(response.status, error.code ?? "http_error", error.message ?? "", retry);
  }
  return data;
}
