using System.Globalization;
using Nono.Action.Profiles;
using Nono.Core.Policy;
using Nono.Testing;

namespace Nono.Action.Tests.Profiles;

public sealed class PolicyContextFactoryTests
{
    [Fact]
    public async Task Create_TakesTheEffectiveUidOfThisProcess()
    {
        ProcessResult id = await ProcessRunner.RunAsync("id", ["-u"], cancellationToken: TestContext.Current.CancellationToken);
        Dictionary<string, string> environment = new(StringComparer.Ordinal) { ["HOME"] = "/root" };

        PolicyContext context = PolicyContextFactory.Create(environment, "/");

        Assert.Equal(0, id.ExitCode);
        Assert.Equal(int.Parse(id.StandardOutput.Trim(), CultureInfo.InvariantCulture), context.Uid);
        Assert.Equal("/", context.Workdir);
    }
}
