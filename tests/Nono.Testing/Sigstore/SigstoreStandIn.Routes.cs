using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Nono.Testing.Sigstore;

public sealed partial class SigstoreStandIn
{
    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        (int status, string body) result;
        try
        {
            string request = await new StreamReader(context.Request.InputStream).ReadToEndAsync();
            string path = context.Request.Url!.AbsolutePath;
            result = (context.Request.HttpMethod, path) switch
            {
                ("GET", "/oidc/token") => Token(context.Request),
                ("POST", "/api/v2/signingCert") => SigningCert(request),
                ("POST", "/api/v1/log/entries") => LogEntry(request),
                _ => (404, """{"message":"not found"}"""),
            };
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or CryptographicException or ArgumentException or NullReferenceException)
        {
            result = (400, JsonSerializer.Serialize(new JsonObject { ["message"] = ex.Message }));
        }

        byte[] bytes = Encoding.UTF8.GetBytes(result.body);
        context.Response.StatusCode = result.status;
        context.Response.ContentType = "application/json";
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private (int, string) Token(HttpListenerRequest request)
    {
        if (request.Headers["Authorization"] != "bearer " + RequestToken && request.Headers["Authorization"] != "Bearer " + RequestToken)
        {
            return (401, """{"message":"bad request token"}""");
        }

        string audience = request.QueryString["audience"] ?? "";
        return (200, new JsonObject { ["value"] = IssueToken(audience) }.ToJsonString());
    }

    private (int, string) SigningCert(string body)
    {
        JsonNode request = JsonNode.Parse(body)!;
        string token = request["credentials"]!["oidcIdentityToken"]!.GetValue<string>();
        if (VerifyToken(token) is not { } claims)
        {
            return (401, """{"message":"invalid OIDC token"}""");
        }

        string pem = request["publicKeyRequest"]!["publicKey"]!["content"]!.GetValue<string>();
        byte[] proof = Convert.FromBase64String(request["publicKeyRequest"]!["proofOfPossession"]!.GetValue<string>());
        using ECDsa key = ECDsa.Create();
        key.ImportFromPem(pem);
        if (!key.VerifyData(Encoding.UTF8.GetBytes(claims["sub"]!.GetValue<string>()), proof, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
        {
            return (400, """{"message":"proof of possession does not verify"}""");
        }

        DateTimeOffset now = DateTimeOffset.UtcNow;
        (DateTimeOffset notBefore, DateTimeOffset notAfter) = CertificateValidity ?? (now.AddMinutes(-1), now.AddMinutes(10));
        Dictionary<string, string> run = [];
        if (claims["run_id"]?.GetValue<string>() is { } runId)
        {
            string repository = "https://github.com/" + claims["repository"]!.GetValue<string>();
            run["1.3.6.1.4.1.57264.1.12"] = repository;
            run["1.3.6.1.4.1.57264.1.21"] = $"{repository}/actions/runs/{runId}/attempts/{claims["run_attempt"]!.GetValue<string>()}";
        }

        using X509Certificate2 leaf = Ca.Issue(key, "https://github.com/" + claims["job_workflow_ref"]!.GetValue<string>(), claims["iss"]!.GetValue<string>(), notBefore, notAfter, run);
        IssuedCertificates++;
        JsonArray chain = [leaf.ExportCertificatePem(), Ca.Intermediate.ExportCertificatePem(), Ca.Root.ExportCertificatePem()];
        return (201, new JsonObject { ["signedCertificateEmbeddedSct"] = new JsonObject { ["chain"] = new JsonObject { ["certificates"] = chain } } }.ToJsonString());
    }

    private JsonObject? VerifyToken(string token)
    {
        string[] parts = token.Split('.');
        if (parts.Length != 3 || !_oidcKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromB64Url(parts[2]), HashAlgorithmName.SHA256))
        {
            return null;
        }

        JsonObject claims = JsonNode.Parse(FromB64Url(parts[1]))!.AsObject();
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        bool ok = claims["aud"]?.GetValue<string>() == "sigstore" && claims["exp"]!.GetValue<long>() > now && claims["iss"]?.GetValue<string>() == OidcIssuer;
        return ok ? claims : null;
    }

    private (int, string) LogEntry(string body)
    {
        JsonNode entry = JsonNode.Parse(body)!;
        string kind = entry["kind"]!.GetValue<string>();
        JsonNode spec = entry["spec"]!;
        string canonical;
        if (kind == "hashedrekord")
        {
            string hex = spec["data"]!["hash"]!["value"]!.GetValue<string>();
            string signature = spec["signature"]!["content"]!.GetValue<string>();
            string verifier = spec["signature"]!["publicKey"]!["content"]!.GetValue<string>();
            if (!CertificateKey(verifier).VerifyHash(Convert.FromHexString(hex), Convert.FromBase64String(signature), DSASignatureFormat.Rfc3279DerSequence))
            {
                return (400, """{"message":"signature does not verify"}""");
            }

            canonical = "{\"apiVersion\":\"0.0.1\",\"kind\":\"hashedrekord\",\"spec\":{\"data\":{\"hash\":{\"algorithm\":\"sha256\",\"value\":\"" + hex
                + "\"}},\"signature\":{\"content\":\"" + signature + "\",\"publicKey\":{\"content\":\"" + verifier + "\"}}}}";
        }
        else if (kind == "dsse")
        {
            string envelopeText = spec["proposedContent"]!["envelope"]!.GetValue<string>();
            string verifier = spec["proposedContent"]!["verifiers"]![0]!.GetValue<string>();
            JsonNode envelope = JsonNode.Parse(envelopeText)!;
            byte[] payload = Convert.FromBase64String(envelope["payload"]!.GetValue<string>());
            string payloadType = envelope["payloadType"]!.GetValue<string>();
            string signature = envelope["signatures"]![0]!["sig"]!.GetValue<string>();
            byte[] pae = Nono.Core.Trust.Dsse.DssePae.Encode(payloadType, payload);
            if (!CertificateKey(verifier).VerifyData(pae, Convert.FromBase64String(signature), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
            {
                return (400, """{"message":"DSSE signature does not verify"}""");
            }

            string envelopeHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(envelopeText)));
            string payloadHash = Convert.ToHexStringLower(SHA256.HashData(payload));
            canonical = "{\"apiVersion\":\"0.0.1\",\"kind\":\"dsse\",\"spec\":{\"envelopeHash\":{\"algorithm\":\"sha256\",\"value\":\"" + envelopeHash
                + "\"},\"payloadHash\":{\"algorithm\":\"sha256\",\"value\":\"" + payloadHash
                + "\"},\"signatures\":[{\"signature\":\"" + signature + "\",\"verifier\":\"" + verifier + "\"}]}}";
        }
        else
        {
            return (400, """{"message":"unsupported kind"}""");
        }

        return (201, Log.Append(Encoding.UTF8.GetBytes(canonical), DateTimeOffset.UtcNow).ToJsonString());
    }

    private static ECDsa CertificateKey(string base64Pem)
    {
        string pem = Encoding.UTF8.GetString(Convert.FromBase64String(base64Pem));
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(pem);
        return certificate.GetECDsaPublicKey() ?? throw new FormatException("not an ECDSA certificate");
    }

    private static byte[] FromB64Url(string text)
    {
        string b64 = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '='));
    }
}
