namespace Nono.Core.Policy;

/// <summary>A variable the sanitizer removed. Never carries the value.</summary>
/// <param name="Name">Variable name.</param>
/// <param name="Reason">Why it was removed.</param>
public sealed record RemovedVariable(string Name, RemovalReason Reason);
