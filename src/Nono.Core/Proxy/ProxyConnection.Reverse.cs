using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Nono.Core.Proxy;

internal sealed partial class ProxyConnection
{
    private async Task<bool> ReverseAsync(HttpHead head, bool persistent, BufferedReader reader, NetworkStream stream, IdleTimeout idle)
    {
        CancellationToken ct = idle.Token;
        string target = head.Target;
        int q = target.IndexOf('?', StringComparison.Ordinal);
        string path = q >= 0 ? target[..q] : target;
        string? query = q >= 0 ? target[(q + 1)..] : null;
        int second = path.IndexOf('/', 1);
        string name = second > 0 ? path[1..second] : path[1..];
        string rest = second > 0 ? path[second..] : string.Empty;
        string loggedPath = Redact(rest.Length == 0 ? "/" : rest);
        if (!_ctx.Services.TryGetValue(name, out ResolvedService? route))
        {
            await RefuseAsync(stream, ProxyMode.Reverse, Redact(HostName.Printable(name)), 0, head.Method, 404, "unknown-route", "no credential route with this name", ct);
            return false;
        }

        CredentialService svc = route.Service;
        if (!IsCanonicalPath(rest))
        {
            await RefuseAsync(stream, ProxyMode.Reverse, svc.Name, 0, head.Method, 400, "path-not-canonical", "dot segments, encoded slashes or backslashes are not allowed", ct, loggedPath);
            return false;
        }

        if (svc.EndpointRules.Count > 0 && !svc.EndpointRules.Any(r =>
                (r.Method == "*" || string.Equals(r.Method, head.Method, StringComparison.OrdinalIgnoreCase))
                && PathGlob.Matches(r.PathGlob, rest.Length == 0 ? "/" : rest)))
        {
            await RefuseAsync(stream, ProxyMode.Reverse, svc.Name, 0, head.Method, 403, "endpoint-denied", $"{head.Method} {loggedPath} is not allowed on route '{svc.Name}'", ct, loggedPath);
            return false;
        }

        HeaderFilter.StripHopByHop(head);
        if (!CredentialInjector.TryInject(route, head, ref rest, ref query))
        {
            await RefuseAsync(stream, ProxyMode.Reverse, svc.Name, 0, head.Method, 401, "phantom-token-invalid", $"route '{svc.Name}' needs this session's phantom token", ct, loggedPath);
            return false;
        }

        (BodyFraming framing, long length, string? framingError) = HttpBody.ForRequest(head);
        if (framingError is not null)
        {
            await RefuseAsync(stream, ProxyMode.Reverse, svc.Name, 0, head.Method, 400, "bad-framing", framingError, ct, loggedPath);
            return false;
        }

        Uri upstreamUri = svc.Upstream;
        string upstreamHost = upstreamUri.IdnHost.Trim('[', ']').ToLowerInvariant();
        string basePath = upstreamUri.AbsolutePath.TrimEnd('/');
        string upstreamTarget = basePath + rest;
        upstreamTarget = (upstreamTarget.Length == 0 ? "/" : upstreamTarget) + (query is null ? string.Empty : "?" + query);
        HttpHead upstreamHead = HttpHead.CreateRequest(head.Method, upstreamTarget);
        head.Remove("Host");
        upstreamHead.Headers.Add(new("Host", upstreamUri.IsDefaultPort ? upstreamUri.IdnHost : $"{upstreamUri.IdnHost}:{upstreamUri.Port}"));
        upstreamHead.Headers.AddRange(head.Headers);
        upstreamHead.Headers.Add(new("Connection", "close"));
        if (_ctx.HeadContainsPhantom(upstreamHead))
        {
            await RefuseAsync(stream, ProxyMode.Reverse, svc.Name, 0, head.Method, 403, "phantom-token-misplaced", "a phantom or session token appears outside the credential's place", ct, loggedPath);
            return false;
        }

        ConnectOutcome outcome = await _ctx.Connector.ConnectAsync(upstreamHost, upstreamUri.Port, trustedTarget: true, ct);
        if (outcome.Socket is not Socket upstream)
        {
            await RefuseAsync(stream, ProxyMode.Reverse, svc.Name, upstreamUri.Port, head.Method, outcome.Status, outcome.Reason, $"cannot connect to the upstream of '{svc.Name}' ({outcome.Reason})", ct, loggedPath);
            return false;
        }

        await using NetworkStream network = new(upstream, ownsSocket: true);
        Stream upstreamStream = network;
        if (upstreamUri.Scheme == Uri.UriSchemeHttps)
        {
            SslStream tls = new(new ThreadPoolReadStream(network), leaveInnerStreamOpen: false);
            upstreamStream = tls;
            try
            {
                await tls.AuthenticateAsClientAsync(TlsOptions(upstreamHost), ct);
            }
            catch (AuthenticationException)
            {
                await tls.DisposeAsync();
                await RefuseAsync(stream, ProxyMode.Reverse, svc.Name, upstreamUri.Port, head.Method, 502, "upstream-tls-failed", $"TLS to the upstream of '{svc.Name}' failed", ct, loggedPath);
                return false;
            }
        }

        await using (upstreamStream)
        {
            return await ExchangeAndRecordAsync(ProxyMode.Reverse, svc.Name, upstreamUri.Port, loggedPath, upstreamHead, framing, length, persistent, reader, stream, upstreamStream, idle);
        }
    }

    private SslClientAuthenticationOptions TlsOptions(string host)
    {
        SslClientAuthenticationOptions options = new()
        {
            TargetHost = host,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
        };
        if (_ctx.Options.UpstreamTrustRoots is { } roots)
        {
            X509ChainPolicy policy = new() { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.AddRange(roots);
            options.CertificateChainPolicy = policy;
        }

        return options;
    }

    /// <summary>Removes phantom tokens and the session token from text that goes into events.</summary>
    private string Redact(string text)
    {
        foreach (string phantom in _ctx.Phantoms)
        {
            text = text.Replace(phantom, "[phantom]", StringComparison.OrdinalIgnoreCase);
        }

        return text.Replace(_ctx.Auth.Token, "[session-token]", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsCanonicalPath(string path)
    {
        if (path.Contains('\\', StringComparison.Ordinal) || path.Contains("%2f", StringComparison.OrdinalIgnoreCase)
            || path.Contains("%5c", StringComparison.OrdinalIgnoreCase) || path.Contains("%2e", StringComparison.OrdinalIgnoreCase)
            || path.Contains("//", StringComparison.Ordinal))
        {
            return false;
        }

        return !path.Split('/').Any(segment => segment is "." or "..");
    }
}
