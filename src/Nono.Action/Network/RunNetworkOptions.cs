using System.CommandLine;

namespace Nono.Action.Network;

/// <summary>
/// The proxy-mode flags of <c>nono run</c> (Rust nono names). Any of <c>--allow-domain</c>, <c>--network-profile</c>
/// or <c>--proxy-credential</c> puts the run in proxy mode. Not offered by <c>nono wrap</c>: the proxy needs a supervisor.
/// </summary>
internal sealed class RunNetworkOptions
{
    public Option<string[]> AllowDomain { get; } = Many("--allow-domain", "Host reachable through nono's proxy: exact name, *.suffix or [v6addr]; alone it opens port 443 (CONNECT) and 80 (plain HTTP), HOST:PORT opens that port instead (repeatable; enables proxy mode)");
    public Option<bool> NetworkAudit { get; } = new("--network-audit") { Description = "Route the network through nono's proxy in recording mode: every host name is allowed and recorded; the address policy still applies (enables proxy mode)" };
    public Option<string?> NetworkProfile { get; } = new("--network-profile") { Description = "Named host list for the proxy: minimal, developer, github, package-registries (enables proxy mode)" };
    public Option<string[]> ProxyCredential { get; } = Many("--proxy-credential", "Credential the proxy injects; the sandbox sees only a phantom token (repeatable; enables proxy mode)", "--credential");
    public Option<string[]> Resolve { get; } = Many("--resolve", "Resolve HOST to IP in the proxy without DNS, HOST=IP (repeatable)");
    public Option<string?> UpstreamProxy { get; } = new("--upstream-proxy") { Description = "Enterprise proxy (http://host:port) the proxy connects through" };
    public Option<string[]> UpstreamProxyBypass { get; } = Many("--upstream-proxy-bypass", "Host (exact or *.suffix) reached directly, not through --upstream-proxy (repeatable)");

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { AllowDomain, NetworkAudit, NetworkProfile, ProxyCredential, Resolve, UpstreamProxy, UpstreamProxyBypass })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The request the flags make (block comes from the sandbox flags).</summary>
    public NetworkRequest ToRequest(ParseResult parse, bool block) => new()
    {
        Block = block,
        RecordAll = parse.GetValue(NetworkAudit),
        AllowDomains = parse.GetValue(AllowDomain) ?? [],
        NetworkProfile = parse.GetValue(NetworkProfile),
        Credentials = parse.GetValue(ProxyCredential) ?? [],
        Resolve = parse.GetValue(Resolve) ?? [],
        UpstreamProxy = parse.GetValue(UpstreamProxy),
        UpstreamProxyBypass = parse.GetValue(UpstreamProxyBypass) ?? [],
    };

    private static Option<string[]> Many(string name, string description, string? alias = null)
    {
        Option<string[]> option = alias is null ? new(name) : new(name, alias);
        option.Description = description;
        option.Arity = ArgumentArity.OneOrMore;
        option.AllowMultipleArgumentsPerToken = false;
        return option;
    }
}
