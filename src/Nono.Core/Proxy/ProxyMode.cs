namespace Nono.Core.Proxy;

/// <summary>How a request reached the proxy.</summary>
public enum ProxyMode
{
    /// <summary>A <c>CONNECT host:port</c> tunnel (end-to-end TLS).</summary>
    Connect,

    /// <summary>An absolute-form plain-HTTP request (<c>GET http://host/path</c>).</summary>
    Forward,

    /// <summary>A credential route (<c>http://127.0.0.1:PORT/&lt;service&gt;/...</c>) forwarded to the service's upstream.</summary>
    Reverse,

    /// <summary>The request could not be classified (malformed, unauthenticated, over a limit).</summary>
    Unknown,

    /// <summary>
    /// A DNS query sent straight to a resolver by a tool that ignores the proxy variables (netns tier): answered REFUSED,
    /// never forwarded. <see cref="ProxyEvent.Host"/> is the queried name, the reason names the query type.
    /// </summary>
    Dns,

    /// <summary>
    /// A network call the sandbox's seccomp filter refused, recorded by the seccomp observer (no proxy involved):
    /// <c>socket(2)</c> of a refused family, type or protocol (e.g. a UDP socket for a DNS query in the <c>landlock-tcp</c>
    /// tier or with <c>--block-net</c>), or a send with <c>MSG_FASTOPEN</c>. <see cref="ProxyEvent.Method"/> is the syscall;
    /// <see cref="ProxyEvent.Host"/> and <see cref="ProxyEvent.Port"/> are the destination when the call names one that
    /// could be read, else the socket's family and type.
    /// </summary>
    Socket,
}
