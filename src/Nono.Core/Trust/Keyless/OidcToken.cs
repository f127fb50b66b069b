using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Nono.Core.Diagnostics;

namespace Nono.Core.Trust.Keyless;

/// <summary>
/// The OIDC identity token keyless signing presents to Fulcio: <c>SIGSTORE_ID_TOKEN</c> when set, else
/// GitHub Actions' token (GET <c>$ACTIONS_ID_TOKEN_REQUEST_URL&amp;audience=sigstore</c> with
/// <c>Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN</c>, answer <c>{"value": JWT}</c>).
/// </summary>
public static class OidcToken
{
    /// <summary>Fetches the token.</summary>
    public static async Task<string> GetAsync(HttpClient http, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(environment);
        if (environment.TryGetValue("SIGSTORE_ID_TOKEN", out string? given) && given.Length > 0)
        {
            return given;
        }

        if (!environment.TryGetValue("ACTIONS_ID_TOKEN_REQUEST_URL", out string? url) || url.Length == 0
            || !environment.TryGetValue("ACTIONS_ID_TOKEN_REQUEST_TOKEN", out string? requestToken) || requestToken.Length == 0)
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, "keyless signing needs an OIDC token: set SIGSTORE_ID_TOKEN, or run in GitHub Actions with 'permissions: id-token: write' (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN)");
        }

        Uri request = KeylessSettings.Check(url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "audience=sigstore", new Uri(url), "OIDC token request");
        using HttpRequestMessage message = new(HttpMethod.Get, request);
        message.Headers.Authorization = new AuthenticationHeaderValue("bearer", requestToken);
        using HttpResponseMessage response = await KeylessHttp.SendAsync(http, message, "the OIDC token endpoint", cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new NonoException(NonoErrorCode.VerificationFailed, $"OIDC token request failed: HTTP {(int)response.StatusCode}");
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            return document.RootElement.GetProperty("value").GetString() is { Length: > 0 } token
                ? token
                : throw new NonoException(NonoErrorCode.VerificationFailed, "OIDC token response has an empty value");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new NonoException(NonoErrorCode.VerificationFailed, "OIDC token response is not {\"value\": JWT}");
        }
    }

    /// <summary>A string claim of a JWT's payload (not verified: Fulcio verifies the token).</summary>
    public static string Claim(string jwt, string name)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        string[] parts = jwt.Split('.');
        try
        {
            string payload = parts.Length == 3 ? parts[1].Replace('-', '+').Replace('_', '/') : throw new FormatException();
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using JsonDocument document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            return document.RootElement.GetProperty(name).GetString() ?? throw new FormatException();
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new NonoException(NonoErrorCode.InvalidPolicy, $"OIDC token is not a JWT with a '{name}' claim");
        }
    }
}
