using System.Net.Sockets;

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
        if (string.Equals(head.Method, "TRACE", StringComparison.OrdinalIgnoreCase))
        {
            // An upstream with TRACE enabled echoes the request, injected credential included, back to the child.
            await RefuseAsync(stream, ProxyMode.Reverse, svc.Name, 0, head.Method, 405, "trace-refused", "TRACE is not allowed on credential routes (it would echo the credential)", ct, loggedPath);
            return false;
        }

        if (!IsCanonicalPath(rest))
        {
            await RefuseAsync(stream, ProxyMode.Reverse, svc.Name, 0, head.Method, 400, "path-not-canonical", "dot segments, path parameters (;), fragments (#), encoded slashes or backslashes are not allowed", ct, loggedPath);
            return false;
        }

        if (svc.EndpointRules.Count > 0 && !svc.EndpointRules.Any(r =>
                (r.Method == "*" || string.Equals(r.Method, head.Method, StringComparison.OrdinalIgnoreCase))
                && PathGlob.Matches(r.PathGlob, rest.Length == 0 ? "/" : rest)))
        {
            await RefuseAsync(stream, ProxyMode.Reverse, svc.Name, 0, head.Method, 403, "endpoint-denied", $"{head.Method} {loggedPath} is not allowed on route '{svc.Name}'", ct, loggedPath);
            return false;
        }

        if (EndpointDenials.Find(svc, head, rest, query) is EndpointRule minting)
        {
            await RefuseAsync(
                stream, ProxyMode.Reverse, svc.Name, 0, head.Method, 403, "token-minting-denied",
                $"{head.Method} {loggedPath} would mint a new credential from route '{svc.Name}' ({minting.Method} {minting.PathGlob}); allow it with network.allow_token_minting: [\"{svc.Name}\"]",
                ct, loggedPath);
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

        (bool refused, byte[]? checkedBody) = await CheckGraphQlAsync(svc, head, rest, query, framing, length, reader, stream, loggedPath, ct);
        if (refused)
        {
            return false;
        }

        using BufferedReader? checkedReader = checkedBody is null ? null : new BufferedReader(new MemoryStream(checkedBody));
        if (checkedBody is not null && framing != BodyFraming.None)
        {
            (framing, length) = (BodyFraming.ContentLength, checkedBody.LongLength);
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
        AskCloseWhenNotPooled(upstreamHead, framing, credentialRoute: true);
        if (_ctx.HeadContainsPhantom(upstreamHead))
        {
            await RefuseAsync(stream, ProxyMode.Reverse, svc.Name, 0, head.Method, 403, "phantom-token-misplaced", "a phantom or session token appears outside the credential's place", ct, loggedPath);
            return false;
        }

        // The route is part of the key: a connection that carried this route's credential never serves another route.
        UpstreamKey key = new(upstreamUri.Scheme, upstreamHost, upstreamUri.Port, svc.Name);
        return await RelayAsync(
            ProxyMode.Reverse, svc.Name, upstreamUri.Port, loggedPath, $"the upstream of '{svc.Name}'", key, trustedTarget: true, upstreamHead,
            framing, length, persistent, checkedReader ?? reader, stream, idle);
    }

    /// <summary>
    /// Removes phantom tokens and the session token from text that goes into events, also a piece of one that a
    /// shortened text (<see cref="HostName.Printable"/>) kept: any run of <see cref="MinSecretPiece"/> or more hex
    /// digits that occurs in a token (review of session 10: 60 of 64 digits reached the record).
    /// </summary>
    private string Redact(string text)
    {
        foreach (string phantom in _ctx.Phantoms)
        {
            text = text.Replace(phantom, "[phantom]", StringComparison.OrdinalIgnoreCase);
        }

        text = text.Replace(_ctx.Auth.Token, "[session-token]", StringComparison.OrdinalIgnoreCase);
        return HexRun().Replace(text, run => IsSecretPiece(run.Value) ? "[token-piece]" : run.Value);
    }

    private const int MinSecretPiece = 12;

    private bool IsSecretPiece(string run)
    {
        foreach (string secret in _ctx.Phantoms.Append(_ctx.Auth.Token))
        {
            for (int start = 0; start + MinSecretPiece <= run.Length; start++)
            {
                if (secret.Contains(run.AsSpan(start, MinSecretPiece), StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    [System.Text.RegularExpressions.GeneratedRegex("[0-9a-fA-F]{12,}")]
    private static partial System.Text.RegularExpressions.Regex HexRun();

    private static bool IsCanonicalPath(string path)
    {
        // '#' never belongs in a request target; front ends that cut a fragment there would route past the endpoint
        // rules ("/user/keys#x" is not "/user/keys" to the rules).
        if (path.Contains('#', StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal) || path.Contains("%2f", StringComparison.OrdinalIgnoreCase)
            || path.Contains("%5c", StringComparison.OrdinalIgnoreCase) || path.Contains("%2e", StringComparison.OrdinalIgnoreCase)
            || path.Contains("//", StringComparison.Ordinal)
            // ';' starts path parameters: servlet containers (Tomcat, Jetty) read "..;" as "..", past the endpoint rules.
            || path.Contains(';', StringComparison.Ordinal) || path.Contains("%3b", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return !path.Split('/').Any(segment => segment is "." or "..");
    }
}
