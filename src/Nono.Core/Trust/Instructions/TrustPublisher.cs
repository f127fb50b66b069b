using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Instructions;

/// <summary>
/// Someone whose signature makes an instruction file trusted: either a public key (PEM), or an OIDC
/// identity as Fulcio certifies it (issuer plus a GitHub repository, workflow and ref pattern).
/// </summary>
public sealed record TrustPublisher
{
    /// <summary>A name for reports.</summary>
    [JsonPropertyName("name")]
    public string Name { get; init; } = "";

    /// <summary>PEM public key (ECDSA P-256) of a keyed publisher.</summary>
    [JsonPropertyName("public_key")]
    public string? PublicKey { get; init; }

    /// <summary>OIDC issuer of a keyless publisher, exact match (e.g. https://token.actions.githubusercontent.com).</summary>
    [JsonPropertyName("issuer")]
    public string? Issuer { get; init; }

    /// <summary>GitHub repository <c>owner/name</c> of a keyless publisher.</summary>
    [JsonPropertyName("repository")]
    public string? Repository { get; init; }

    /// <summary>Workflow path in the repository, e.g. <c>.github/workflows/sign.yml</c>.</summary>
    [JsonPropertyName("workflow")]
    public string? Workflow { get; init; }

    /// <summary>Git ref the workflow ran on; <c>*</c> matches any run of characters (e.g. <c>refs/tags/v*</c>).</summary>
    [JsonPropertyName("ref")]
    public string? RefPattern { get; init; }

    /// <summary>True for a keyed publisher.</summary>
    [JsonIgnore]
    public bool IsKeyed => PublicKey is not null;
}
