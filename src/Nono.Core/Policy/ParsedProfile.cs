namespace Nono.Core.Policy;

/// <summary>The result of reading one profile file: the model (with invalid parts dropped) and every problem found.</summary>
/// <param name="Profile">The profile; parts that failed validation are left out.</param>
/// <param name="Problems">All structural problems, each with its JSON path.</param>
public sealed record ParsedProfile(Profile Profile, IReadOnlyList<PolicyProblem> Problems);
