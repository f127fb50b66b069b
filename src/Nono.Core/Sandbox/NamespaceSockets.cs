using System.Net.Sockets;

namespace Nono.Core.Sandbox;

/// <summary>
/// The sockets the sandbox child creates in its private network namespace (<see cref="NetworkTier.IsolatedNamespace"/>,
/// proxy mode) and hands to the supervisor; the sandbox keeps no copy. The caller owns them all.
/// </summary>
/// <param name="ProxyListener">TCP listener on 127.0.0.1:<see cref="Capabilities.CapabilitySet.ProxyPort"/>: the proxy's.</param>
/// <param name="DnsSocket">
/// UDP socket bound to port 53 of every address in the namespace (every address there is local to <c>lo</c>): receives the
/// queries of tools that resolve names themselves. Answer them without forwarding (see <c>Proxy.DnsRefuser</c>). Null when
/// the kernel refused a step of that trap (<paramref name="DnsTrapUnavailable"/> says which): lookups then still fail
/// inside the namespace, unrecorded; the isolation does not depend on the trap.
/// </param>
/// <param name="DnsTrapUnavailable">
/// Why there is no <paramref name="DnsSocket"/> or no <paramref name="DnsTcpListener"/> (each failed step and its error),
/// else null.
/// </param>
/// <param name="DnsTcpListener">
/// TCP listener on port 53 of every address in the namespace: DNS over TCP (<c>dig +tcp</c>, glibc's <c>use-vc</c>, a
/// truncated answer's retry). Null when the kernel refused that trap (<paramref name="DnsTrapUnavailable"/>).
/// </param>
public sealed record NamespaceSockets(Socket ProxyListener, Socket? DnsSocket, string? DnsTrapUnavailable = null, Socket? DnsTcpListener = null);
