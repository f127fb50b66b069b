namespace Nono.Core.Policy;

/// <summary>The environment for the sandboxed process, and what was removed from it.</summary>
/// <param name="Environment">Variables passed to the child.</param>
/// <param name="Removed">Removed names with reasons, sorted by name (for reports; no values).</param>
public sealed record SanitizedEnvironment(IReadOnlyDictionary<string, string> Environment, IReadOnlyList<RemovedVariable> Removed);
