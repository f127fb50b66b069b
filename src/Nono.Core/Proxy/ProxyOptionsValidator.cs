using System.Net;

namespace Nono.Core.Proxy;

/// <summary>Checks <see cref="ProxyOptions"/> and reports every problem, one line each.</summary>
public static partial class ProxyOptionsValidator
{
    /// <summary>Returns all problems found (empty when valid). <paramref name="requireLoopbackBind"/>: the proxy binds its own socket.</summary>
    public static IReadOnlyList<string> Validate(ProxyOptions options, bool requireLoopbackBind = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> errors = [];
        foreach (string host in options.AllowedHosts)
        {
            if (AllowEntries.Check(host) is string error)
            {
                errors.Add("allowed host: " + error);
            }
        }

        foreach (string host in options.UpstreamProxyBypass)
        {
            if (HostPattern.TryParse(host, out string? error) is null)
            {
                errors.Add("upstream proxy bypass: " + error);
            }
        }

        if (options.UpstreamProxy is { } proxy
            && (proxy.Scheme != Uri.UriSchemeHttp || proxy.AbsolutePath != "/" || !string.IsNullOrEmpty(proxy.Query)))
        {
            errors.Add($"upstream proxy '{UpstreamProxyText.Redact(proxy.OriginalString)}' must be http://host:port");
        }

        if (requireLoopbackBind && !IPAddress.IsLoopback(options.BindAddress))
        {
            errors.Add($"bind address {options.BindAddress} is not loopback");
        }

        if (options.Port is < 0 or > 65535)
        {
            errors.Add($"port {options.Port} is out of range");
        }

        if (options.MaxConnections < 1)
        {
            errors.Add("max connections must be at least 1");
        }

        if (options.MaxHeaderBytes < 1024)
        {
            errors.Add("max header bytes must be at least 1024");
        }

        if (options.ConnectTimeout <= TimeSpan.Zero || options.IdleTimeout <= TimeSpan.Zero)
        {
            errors.Add("timeouts must be positive");
        }

        HashSet<string> names = new(StringComparer.Ordinal);
        HashSet<string> vars = new(StringComparer.Ordinal);
        foreach (CredentialService service in options.Services)
        {
            ValidateService(service, errors);
            if (!names.Add(service.Name))
            {
                errors.Add($"service '{service.Name}' is defined twice");
            }

            if (!vars.Add(service.EnvVar) || !vars.Add(service.EffectiveBaseUrlEnvVar))
            {
                errors.Add($"service '{service.Name}': environment variable used by more than one service");
            }
        }

        return errors;
    }

    private static void ValidateService(CredentialService s, List<string> errors)
    {
        string p = $"service '{HostName.Printable(s.Name)}': ";
        if (s.Name.Length is 0 or > 64 || !s.Name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_'))
        {
            errors.Add(p + "name must be lower-case letters, digits, '-' or '_'");
        }

        Uri u = s.Upstream;
        if (!u.IsAbsoluteUri || !string.IsNullOrEmpty(u.UserInfo) || !string.IsNullOrEmpty(u.Query) || !string.IsNullOrEmpty(u.Fragment))
        {
            errors.Add(p + "upstream must be an absolute URL without userinfo, query or fragment");
        }
        else if (u.Scheme == Uri.UriSchemeHttp)
        {
            if (!(u.IsLoopback && (IPAddress.TryParse(u.IdnHost.Trim('[', ']'), out _) || u.IdnHost == "localhost")))
            {
                errors.Add(p + "an http:// upstream is only allowed on loopback");
            }
        }
        else if (u.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add(p + "upstream must be https://");
        }
        else if (!HostName.TryNormalize(u.IdnHost.StartsWith('[') || !u.IdnHost.Contains(':', StringComparison.Ordinal) ? u.IdnHost : $"[{u.IdnHost}]", out _, out string? hostError))
        {
            errors.Add(p + "upstream host: " + hostError);
        }

        if (s.CredentialKey is null == (s.CredentialCommand.Count == 0))
        {
            errors.Add(p + "set exactly one of credential_key and a credential command");
        }
        else if (s.CredentialKey is { } key && !key.StartsWith("env://", StringComparison.Ordinal) && !key.StartsWith("file://", StringComparison.Ordinal))
        {
            errors.Add(p + "credential_key must be env://VAR or file://PATH");
        }
        else if (s.CredentialCommand.Count > 0 && !Path.IsPathFullyQualified(s.CredentialCommand[0]))
        {
            errors.Add(p + "the credential command must start with an absolute path");
        }

        if (s.InjectMode is InjectMode.Header && !HttpHead.IsToken(s.InjectHeader))
        {
            errors.Add(p + $"inject_header '{HostName.Printable(s.InjectHeader)}' is not a valid header name");
        }

        if (s.InjectMode is InjectMode.Header or InjectMode.UrlPath
            && (!s.CredentialFormat.Contains("{}", StringComparison.Ordinal) || s.CredentialFormat.Any(c => c < ' ' || c == (char)0x7f)))
        {
            errors.Add(p + "credential_format must contain '{}' and no control characters");
        }

        if (s.InjectMode is InjectMode.QueryParam && s.QueryParameter.Length == 0)
        {
            errors.Add(p + "query parameter name is empty");
        }

        foreach (string v in new[] { s.EnvVar, s.EffectiveBaseUrlEnvVar })
        {
            if (v.Length == 0 || char.IsAsciiDigit(v[0]) || !v.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                errors.Add(p + $"'{HostName.Printable(v)}' is not a valid environment variable name");
            }
        }

        foreach (EndpointRule r in s.EndpointRules)
        {
            if (!PathGlob.IsValid(r.PathGlob) || (r.Method != "*" && !HttpHead.IsToken(r.Method)))
            {
                errors.Add(p + $"endpoint rule '{HostName.Printable(r.Method)} {HostName.Printable(r.PathGlob)}' is invalid");
            }
        }
    }
}
