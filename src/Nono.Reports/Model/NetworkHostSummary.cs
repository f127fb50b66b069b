namespace Nono.Reports.Model;

/// <summary>Requests to one host during a session.</summary>
/// <param name="Host">Host name as requested. Untrusted text.</param>
/// <param name="Allowed">Number of requests the proxy let through.</param>
/// <param name="Denied">Number of requests the proxy refused.</param>
public sealed record NetworkHostSummary(string Host, int Allowed, int Denied);
