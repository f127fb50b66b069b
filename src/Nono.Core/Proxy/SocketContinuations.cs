namespace Nono.Core.Proxy;

/// <summary>
/// Where .NET runs the continuation of a completed socket operation. By default the runtime's epoll thread hands every
/// completion to the thread pool, which costs a wake-up per relayed message; the proxy relays small request/response
/// pairs where that hop is most of its added latency. Run inline, the continuation (parse, forward, next receive) runs
/// on the epoll thread itself.
/// </summary>
/// <remarks>
/// The runtime reads the switch once, from the environment (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c>, no
/// AppContext or runtimeconfig equivalent), when the process's first asynchronous socket operation starts its epoll
/// threads; with it on it also starts one epoll thread per processor. It is safe for the supervisor because nothing
/// there blocks inside a socket continuation: proxy events go to a channel, DNS and connects are asynchronous, the
/// observers run on their own threads, and the credential routes' TLS (certificate chain building may fetch
/// intermediates) is moved off the epoll thread by <see cref="ThreadPoolReadStream"/>. Set through the managed
/// environment only (by the CLI), so the sandboxed command (whose environment was captured at start) does not inherit it.
/// </remarks>
public static class SocketContinuations
{
    /// <summary>The runtime's switch; a value set by the user (<c>0</c> or <c>1</c>) is kept.</summary>
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// The value to set for <see cref="Variable"/> before the process's first asynchronous socket operation, given the
    /// value the user set (read by the caller from nono's own environment): <c>1</c> when the user set none, else null
    /// (the user's choice is kept).
    /// </summary>
    public static string? ValueToSet(string? chosen) => chosen is null ? "1" : null;
}
