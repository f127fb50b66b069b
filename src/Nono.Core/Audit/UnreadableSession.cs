namespace Nono.Core.Audit;

/// <summary>A session whose session.json exists but cannot be read.</summary>
/// <param name="SessionId">The session's id (its folder name).</param>
/// <param name="Problem">Why, in one line (e.g. <c>session.json does not parse: ...</c>).</param>
public sealed record UnreadableSession(string SessionId, string Problem);
