using System.Net.Sockets;

namespace Nono.Core.Proxy;

/// <summary>Result of connecting to an upstream: a connected socket, or the status and reason for the child.</summary>
internal sealed record ConnectOutcome(Socket? Socket, int Status, string Reason)
{
    public static ConnectOutcome Fail(int status, string reason) => new(null, status, reason);
}
