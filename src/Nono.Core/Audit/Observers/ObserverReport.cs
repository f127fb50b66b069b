namespace Nono.Core.Audit.Observers;

/// <summary>What one observer did during a session: whether it ran and, if not, why; how much it saw.</summary>
/// <param name="Mechanism">See <see cref="ObserverMechanisms"/>.</param>
/// <param name="Status"><c>active</c>, <c>off</c>, <c>unavailable</c> or <c>failed</c>.</param>
/// <param name="Detail">Why it was off, unavailable or failed; or what it covers.</param>
/// <param name="Denials">Denied accesses it recorded.</param>
/// <param name="Seen">Records or calls it examined.</param>
public sealed record ObserverReport(string Mechanism, string Status, string? Detail, long Denials, long Seen)
{
    /// <summary>The observer did not run because it was not wanted.</summary>
    public static ObserverReport Off(string mechanism, string detail) => new(mechanism, "off", detail, 0, 0);

    /// <summary>The observer could not run here.</summary>
    public static ObserverReport Unavailable(string mechanism, string detail) => new(mechanism, "unavailable", detail, 0, 0);

    /// <summary>One line: <c>landlock-audit: unavailable (needs CAP_AUDIT_READ)</c>.</summary>
    public override string ToString() => Status == "active"
        ? $"{Mechanism}: active, {Denials} denial(s) in {Seen} examined" + (Detail is null ? "" : $" ({Detail})")
        : $"{Mechanism}: {Status}" + (Detail is null ? "" : $" ({Detail})");
}
