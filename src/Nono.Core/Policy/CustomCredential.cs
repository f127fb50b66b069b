using System.ComponentModel;

namespace Nono.Core.Policy;

/// <summary>One credential the egress proxy injects for an upstream.</summary>
public sealed record CustomCredential
{
    /// <summary>Upstream base URL (https, or http on loopback).</summary>
    [Description("Upstream base URL: https, or http only for loopback.")]
    public string? Upstream { get; init; }

    /// <summary>Key of the secret in the credential store.</summary>
    [Description("Key of the secret in the credential store.")]
    public string? CredentialKey { get; init; }

    /// <summary>How the credential is injected.</summary>
    [Description("How the credential is injected into requests.")]
    public InjectMode? InjectMode { get; init; }

    /// <summary>Header name for <see cref="Policy.InjectMode.Header"/> (default Authorization).</summary>
    [Description("Header name when inject_mode is header (default Authorization).")]
    public string? InjectHeader { get; init; }

    /// <summary>Format with a {} placeholder for the secret, e.g. "Bearer {}".</summary>
    [Description("Format with a {} placeholder for the secret, e.g. \"Bearer {}\".")]
    public string? CredentialFormat { get; init; }

    /// <summary>Environment variable that receives the phantom token.</summary>
    [Description("Environment variable that receives the phantom token inside the sandbox.")]
    public string? EnvVar { get; init; }
}
