namespace Nono.Core.Policy;

/// <summary>The answer to "may the sandbox do this to that path, and why?".</summary>
/// <param name="Path">The canonical path asked about.</param>
/// <param name="Operation">The operation asked about.</param>
/// <param name="Allowed">Whether it is allowed.</param>
/// <param name="Rule">The kind of rule that decided.</param>
/// <param name="RulePath">The path of the deciding rule, if any.</param>
/// <param name="Source">The group, profile or option the deciding rule came from, if any.</param>
/// <param name="Reason">One-line explanation.</param>
public sealed record Decision(string Path, FsOperation Operation, bool Allowed, DecidingRule Rule, string? RulePath, string? Source, string Reason);
