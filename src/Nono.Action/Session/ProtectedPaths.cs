namespace Nono.Action.Session;

/// <summary>
/// Workspace paths whose change is a violation by default: CI definitions, code ownership, git hooks and
/// the files that tell agents what to do. A profile's <c>rollback.protected_paths</c> replaces the list.
/// </summary>
internal static class ProtectedPaths
{
    public static IReadOnlyList<string> Defaults { get; } =
    [
        ".github/workflows/**",
        ".github/actions/**",
        "action.yml",
        "action.yaml",
        "**/action.yml",
        "CODEOWNERS",
        ".github/CODEOWNERS",
        "docs/CODEOWNERS",
        ".git/hooks/**",
        "trust-policy.json",
        "AGENTS.md",
        "CLAUDE.md",
        "GEMINI.md",
        ".cursorrules",
        ".github/copilot-instructions.md",
        "**/*.md.bundle",
    ];

    public static IReadOnlyList<string> Resolve(IReadOnlyList<string> fromPolicy) => fromPolicy.Count > 0 ? fromPolicy : Defaults;
}
