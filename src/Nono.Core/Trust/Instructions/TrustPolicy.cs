using System.Text.Json.Serialization;

namespace Nono.Core.Trust.Instructions;

/// <summary>
/// <c>trust-policy.json</c>: which instruction files must be signed, by whom, which digests are
/// refused outright, and what a failure does.
/// </summary>
public sealed record TrustPolicy
{
    /// <summary>The file name of a workspace policy.</summary>
    public const string FileName = "trust-policy.json";

    /// <summary>Globs (relative to the workspace root) of the instruction files an agent reads.</summary>
    public static IReadOnlyList<string> DefaultInclude { get; } =
    [
        "**/AGENTS.md",
        "**/CLAUDE.md",
        "**/GEMINI.md",
        "**/.cursorrules",
        ".cursor/rules/**/*.mdc",
        ".github/copilot-instructions.md",
        ".github/instructions/**/*.instructions.md",
        ".claude/skills/**/SKILL.md",
        ".claude/commands/**/*.md",
        ".agents/skills/**/SKILL.md",
    ];

    /// <summary>Format version; 1.</summary>
    [JsonPropertyName("version")]
    public int Version { get; init; } = 1;

    /// <summary>Globs of covered files.</summary>
    [JsonPropertyName("include")]
    public IReadOnlyList<string> Include { get; init; } = DefaultInclude;

    /// <summary>Globs excluded from <see cref="Include"/>.</summary>
    [JsonPropertyName("exclude")]
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>Trusted publishers.</summary>
    [JsonPropertyName("publishers")]
    public IReadOnlyList<TrustPublisher> Publishers { get; init; } = [];

    /// <summary>Refused file digests, <c>sha256:&lt;64 hex&gt;</c>, whoever signed them.</summary>
    [JsonPropertyName("blocklist")]
    public IReadOnlyList<string> Blocklist { get; init; } = [];

    /// <summary>What a finding does.</summary>
    [JsonPropertyName("enforcement")]
    public TrustEnforcement Enforcement { get; init; } = TrustEnforcement.Deny;
}
