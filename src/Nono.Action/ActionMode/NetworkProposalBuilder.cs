using Nono.Core.Audit;
using Nono.Core.Audit.Events;
using Nono.Core.Proxy;
using Nono.Reports.Model;

namespace Nono.Action.ActionMode;

/// <summary>
/// Builds the audit-mode proposal from a session's network events: every host the recording proxy let through
/// becomes an allow-list entry (<c>HOST:PORT</c> when its port is not the one a port-less entry opens). Credential-route requests are left out (their "host" is the service name, and the
/// <c>credentials</c> input keeps those routes in enforce mode); the proxy records a path only for them.
/// Refused direct DNS queries and network calls seccomp refused are left out too.
/// </summary>
internal static class NetworkProposalBuilder
{
    public static async Task<NetworkProposal> BuildAsync(string stateRoot, string sessionId, CancellationToken cancellationToken)
    {
        AuditStore audit = new(Path.Combine(stateRoot, "audit"));
        IReadOnlyList<AuditRecord> records = await audit.TryLoadAsync(sessionId, cancellationToken) is null
            ? []
            : await audit.ReadEventsAsync(sessionId, cancellationToken);
        return From(records.Select(r => r.Event).OfType<NetworkEvent>());
    }

    public static NetworkProposal From(IEnumerable<NetworkEvent> events)
    {
        SortedSet<string> allowed = new(StringComparer.Ordinal);
        SortedSet<string> refused = new(StringComparer.Ordinal);
        // Direct DNS queries (method "DNS") and network calls seccomp refused (method = the syscall) come from tools that
        // ignore the proxy, refused in every mode: allowing their name or address would change nothing, so they are not
        // proposed either way.
        foreach (NetworkEvent e in events.Where(e => e.Path is null && e.Method != "DNS" && !RefusedCallMethods.All.Contains(e.Method ?? "")))
        {
            // A port other than the one an entry without a port opens (443 for CONNECT, 80 for plain HTTP) is proposed as HOST:PORT.
            string entry = AllowEntries.Format(e.Host.ToLowerInvariant(), e.Port, tunnel: e.Method == "CONNECT");
            (e.Decision == NetworkDecision.Allowed ? allowed : refused).Add(entry);
        }

        refused.ExceptWith(allowed);
        return new NetworkProposal([.. allowed], [.. refused]);
    }
}
