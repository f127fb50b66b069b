using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nono.Core.Diagnostics;
using Nono.Core.Trust.Keys;

namespace Nono.Core.Trust.Keyless;

/// <summary>Fulcio v2 <c>POST /api/v2/signingCert</c>: a short-lived certificate for an ephemeral key.</summary>
internal static class FulcioClient
{
    /// <summary>Returns the chain, leaf first, as DER.</summary>
    public static async Task<List<byte[]>> RequestCertificateAsync(HttpClient http, Uri fulcio, string token, SigningKey key, CancellationToken cancellationToken)
    {
        string subject = OidcToken.Claim(token, "sub");
        JsonObject request = new()
        {
            ["credentials"] = new JsonObject { ["oidcIdentityToken"] = token },
            ["publicKeyRequest"] = new JsonObject
            {
                ["publicKey"] = new JsonObject { ["algorithm"] = "ECDSA", ["content"] = key.PublicKeyPem },
                ["proofOfPossession"] = Convert.ToBase64String(key.Sign(Encoding.UTF8.GetBytes(subject))),
            },
        };
        using StringContent content = new(request.ToJsonString(), Encoding.UTF8, "application/json");
        using HttpRequestMessage message = new(HttpMethod.Post, new Uri(fulcio, "api/v2/signingCert")) { Content = content };
        using HttpResponseMessage response = await KeylessHttp.SendAsync(http, message, "Fulcio", cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new NonoException(NonoErrorCode.VerificationFailed, $"Fulcio refused the certificate request: HTTP {(int)response.StatusCode} {OneLine(body)}");
        }

        try
        {
            JsonNode? root = JsonNode.Parse(body);
            JsonArray certificates = (root?["signedCertificateEmbeddedSct"] ?? root?["signedCertificateDetachedSct"])?["chain"]?["certificates"]?.AsArray()
                ?? throw new FormatException("no chain");
            List<byte[]> chain = [];
            foreach (JsonNode? pem in certificates)
            {
                string text = pem?.GetValue<string>() ?? throw new FormatException("empty certificate");
                PemFields fields = PemEncoding.Find(text);
                chain.Add(Convert.FromBase64String(text[fields.Base64Data]));
            }

            return chain.Count > 0 ? chain : throw new FormatException("empty chain");
        }
        catch (Exception ex) when (ex is FormatException or JsonException or ArgumentException or InvalidOperationException)
        {
            throw new NonoException(NonoErrorCode.VerificationFailed, $"Fulcio answer is malformed: {ex.Message}");
        }
    }

    internal static string OneLine(string text) => text.Length > 200 ? text[..200].ReplaceLineEndings(" ") : text.ReplaceLineEndings(" ");
}
