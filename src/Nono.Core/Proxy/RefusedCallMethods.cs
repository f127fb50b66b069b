namespace Nono.Core.Proxy;

/// <summary>
/// The <see cref="ProxyEvent.Method"/> values of <see cref="ProxyMode.Socket"/> events: the syscall seccomp refused
/// (<c>syscall</c> for an unexpected number). These are attempts that bypassed the proxy, not host requests: allowing a
/// host would change nothing for them.
/// </summary>
public static class RefusedCallMethods
{
    /// <summary><c>socket(2)</c> of a refused family, type or protocol.</summary>
    public const string Socket = "socket";

    /// <summary><c>connect(2)</c> to a TCP port Landlock refuses (the <c>landlock-tcp</c> tier).</summary>
    public const string Connect = "connect";

    /// <summary><c>listen(2)</c> on an unbound (or non-TCP internet) socket (the <c>landlock-tcp</c> tier).</summary>
    public const string Listen = "listen";

    /// <summary>Every method a refused call is recorded with.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal) { Socket, Connect, Listen, "sendto", "sendmsg", "sendmmsg", "syscall" };
}
