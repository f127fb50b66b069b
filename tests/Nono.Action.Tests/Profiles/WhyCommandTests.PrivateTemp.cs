namespace Nono.Action.Tests.Profiles;

/// <summary><c>nono why</c> answers for the run's private TMPDIR, as <c>nono run</c> grants it, not for the host's.</summary>
public sealed class WhyPrivateTempTests
{
    [Fact]
    public void Why_HostTmpdirDenied_PrivateTmpdirAllowed()
    {
        using CliFixture f = new();
        string hostTemp = f.Environment["TMPDIR"];

        CliResult host = f.Run("why", "--path", Path.Combine(hostTemp, "x"), "--op", "write");
        CliResult own = f.Run("why", "--path", "$TMPDIR/x", "--op", "write");

        Assert.StartsWith("DENIED write", host.Output, StringComparison.Ordinal);
        Assert.StartsWith("ALLOWED write", own.Output, StringComparison.Ordinal);
        Assert.Contains("group:temp_write", own.Output, StringComparison.Ordinal);
        Assert.Contains("TMPDIR is private to each run", own.Output, StringComparison.Ordinal);
    }
}
