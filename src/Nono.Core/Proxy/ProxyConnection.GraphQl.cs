using System.Net.Sockets;

namespace Nono.Core.Proxy;

internal sealed partial class ProxyConnection
{
    /// <summary>
    /// On a route with <see cref="CredentialService.DeniedGraphQlMutations"/>, a request to its GraphQL endpoint is read
    /// whole (at most <see cref="GraphQlDenials.MaxBody"/>) and its mutations checked before anything is forwarded.
    /// Returns the body to forward in place of the client's (null: the request is not checked and streams as before), or
    /// <c>Refused</c> after answering and recording the refusal.
    /// </summary>
    private async Task<(bool Refused, byte[]? Body)> CheckGraphQlAsync(
        CredentialService svc, HttpHead head, string rest, string? query, BodyFraming framing, long length, BufferedReader reader, NetworkStream stream,
        string loggedPath, CancellationToken ct)
    {
        if (!GraphQlDenials.Applies(svc, svc.Upstream.AbsolutePath.TrimEnd('/') + rest))
        {
            return (false, null);
        }

        string? coding = head.Get("Content-Encoding");
        if (framing != BodyFraming.None && (head.Count("Content-Encoding") > 1 || (coding is not null && !string.Equals(coding.Trim(), "identity", StringComparison.OrdinalIgnoreCase))))
        {
            await RefuseAsync(stream, ProxyMode.Reverse, svc.Name, 0, head.Method, 415, "graphql-body-encoded", "an encoded GraphQL request body cannot be checked for credential-minting mutations", ct, loggedPath);
            return (true, null);
        }

        if (framing == BodyFraming.ContentLength && length > GraphQlDenials.MaxBody)
        {
            await RefuseAsync(stream, ProxyMode.Reverse, svc.Name, 0, head.Method, 413, "graphql-body-too-large", $"a GraphQL request body over {GraphQlDenials.MaxBody} bytes cannot be checked for credential-minting mutations", ct, loggedPath);
            return (true, null);
        }

        if (framing != BodyFraming.None && head.Get("Expect") is string expect && expect.Contains("100-continue", StringComparison.OrdinalIgnoreCase))
        {
            // The client waits for this before it sends the body the check needs; the upstream gets the body at once.
            await stream.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray(), ct);
            await stream.FlushAsync(ct);
        }

        byte[]? body = await HttpBody.ReadBoundedAsync(reader, framing, length, GraphQlDenials.MaxBody, ct);
        if (body is null)
        {
            await RefuseAsync(stream, ProxyMode.Reverse, svc.Name, 0, head.Method, 413, "graphql-body-too-large", $"a GraphQL request body over {GraphQlDenials.MaxBody} bytes cannot be checked for credential-minting mutations", ct, loggedPath);
            return (true, null);
        }

        (IReadOnlyList<string> fields, string? error) = GraphQlRequest.MutationFields(body, query);
        if (error is not null)
        {
            await RefuseAsync(stream, ProxyMode.Reverse, svc.Name, 0, head.Method, 400, "graphql-unparseable", $"the GraphQL request cannot be checked for credential-minting mutations ({Redact(error)})", ct, loggedPath);
            return (true, null);
        }

        if (GraphQlDenials.FindDenied(svc, fields) is string denied)
        {
            string name = denied.Length > 64 ? denied[..64] + "..." : denied;
            await RefuseAsync(
                stream, ProxyMode.Reverse, svc.Name, 0, head.Method, 403, "graphql-mutation:" + name,
                $"GraphQL mutation {name} would mint a new credential or a way in from route '{svc.Name}'; allow it with network.allow_token_minting: [\"{svc.Name}\"]",
                ct, loggedPath);
            return (true, null);
        }

        // Forwarded byte for byte with a Content-Length (a chunked body was de-chunked to be read).
        if (framing != BodyFraming.None)
        {
            head.Remove("Transfer-Encoding");
            head.Remove("Content-Length");
            head.Remove("Expect");
        }

        return (false, body);
    }
}
