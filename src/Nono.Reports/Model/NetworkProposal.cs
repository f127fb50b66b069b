namespace Nono.Reports.Model;

/// <summary>
/// What an audit-mode run proposes for enforcement: the hosts the command reached through the recording proxy, which
/// as an allow-list would have let the same run through cleanly.
/// </summary>
/// <param name="Hosts">Hosts reached (normalized names or IP literals, as the proxy parsed them), sorted. Untrusted text.</param>
/// <param name="Refused">Hosts refused even in audit mode (metadata, link-local, unmapped private addresses), sorted. Untrusted text.</param>
public sealed record NetworkProposal(IReadOnlyList<string> Hosts, IReadOnlyList<string> Refused);
