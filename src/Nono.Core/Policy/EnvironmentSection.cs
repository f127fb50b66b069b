using System.ComponentModel;

namespace Nono.Core.Policy;

/// <summary>Environment rules applied on top of the sanitizer.</summary>
public sealed record EnvironmentSection
{
    /// <summary>Names or globs let back through the sanitizer. Loader and interpreter hooks only come back by exact name.</summary>
    [Description("Variable names or globs let back through the sanitizer. Loader and interpreter hooks only come back by exact name.")]
    public IReadOnlyList<string> AllowVars { get; init => field = value ?? []; } = [];

    /// <summary>Variables set inside the sandbox.</summary>
    [Description("Variables set inside the sandbox.")]
    public IReadOnlyDictionary<string, string> Set { get; init => field = value ?? new Dictionary<string, string>(); } = new Dictionary<string, string>();
}
