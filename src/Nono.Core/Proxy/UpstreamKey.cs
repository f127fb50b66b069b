namespace Nono.Core.Proxy;

/// <summary>
/// What makes two upstream connections interchangeable within one proxy session: scheme (so TLS or not), the host as
/// connected to (also the TLS target name), the port, and for credential routes the route. A connection made for one
/// route is never handed to another route or to a forward request, so connection-bound state (TLS session, NTLM-style
/// connection auth, a server's per-connection cache) cannot carry one route's credential to another. The trust roots
/// and the address policy are fixed for the session and each proxy has its own pool, so they are part of the key by
/// construction. Forward requests have <see cref="Route"/> null.
/// </summary>
internal readonly record struct UpstreamKey(string Scheme, string Host, int Port, string? Route);
