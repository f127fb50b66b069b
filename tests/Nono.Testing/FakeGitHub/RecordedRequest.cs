namespace Nono.Testing.FakeGitHub;

/// <summary>A request the fake GitHub server received.</summary>
public sealed record RecordedRequest(string Method, string Path, string? Authorization, string? Accept, string Body);
