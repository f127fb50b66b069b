using System.Diagnostics;
using System.Globalization;
using Nono.Action.Tests.Install;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

public sealed partial class RunCommandTests
{
    private const long HugePageBytes = 2L * 1024 * 1024;

    /// <summary>
    /// The NativeAOT nono puts its GC heap on transparent huge pages (src/Nono.Action/Native/gc_hugepages.c): the GC's
    /// reservation carries the huge-page advice, its commits are whole 2 MiB blocks, and (unless THP is off) each can take
    /// huge pages. malloc's arenas (MAP_NORESERVE) are left alone, and the sandboxed command runs as before.
    /// Read from /proc/PID/smaps of the running nono while its command waits on stdin.
    /// </summary>
    [Theory]
    [InlineData(TestUser.Current)]
    [InlineData(TestUser.Nobody)]
    public async Task Run_AotNono_GcHeapIsOnHugePagesAndTheCommandStillRuns(TestUser user)
    {
        const string thpMode = "/sys/kernel/mm/transparent_hugepage/enabled";
        Assert.SkipUnless(File.Exists(thpMode), "the kernel has no transparent huge pages");
        // The supervisor is not dumpable (PR_SET_DUMPABLE 0), so only root may read its smaps.
        Assert.SkipUnless(ProcessRunner.IsRoot, "reading the supervisor's /proc/PID/smaps needs root");
        // PR_SET_THP_DISABLE (some container set-ups) is inherited and makes every mapping ineligible.
        Assert.SkipWhen(File.ReadAllText("/proc/self/status").Contains("THP_enabled:\t0", StringComparison.Ordinal), "THP is disabled for this process tree");
        CancellationToken cancel = TestContext.Current.CancellationToken;
        using NonoSandbox sb = new(user);
        using TempDirectory bin = new("nono-aot-");
        string nono = Path.Combine(bin.Path, "nono");
        File.Copy(await AotBinary.FindOrPublishAsync(cancel), nono);
        File.SetUnixFileMode(bin.Path, (UnixFileMode)0b111_101_101);

        using Process run = sb.Start(["run", .. SandboxSystemPaths.CliFlags, "--no-audit", "--", "/bin/sh", "-c", "echo ready; read line; echo got-$line"], nono);
        try
        {
            Assert.Equal("ready", await run.StandardOutput.ReadLineAsync(cancel));
            List<Mapping> maps = Mapping.Parse(await File.ReadAllTextAsync($"/proc/{run.Id}/smaps", cancel));
            await run.StandardInput.WriteLineAsync("go");
            run.StandardInput.Close();
            Assert.Equal("got-go", await run.StandardOutput.ReadLineAsync(cancel));
            await run.WaitForExitAsync(cancel);
            Assert.True(run.ExitCode == 0, await run.StandardError.ReadToEndAsync(cancel));

            // Read while the command waits: with --no-audit no GC runs in that window, so no decommit has left an
            // unaligned tail yet (the tails a decommit leaves are expected, see gc_hugepages.c).
            List<Mapping> heap = GcHeapRun(maps);
            List<Mapping> committed = [.. heap.Where(m => m.Permissions == "rw-p")];
            Assert.NotEmpty(committed);
            Assert.All(committed, m => Assert.True(m.Start % HugePageBytes == 0, $"commit at {m.Start:x} is not a whole 2 MiB block"));
            if (!File.ReadAllText(thpMode).Contains("[never]", StringComparison.Ordinal))
            {
                // Eligible, not necessarily backed: whether the kernel finds a free 2 MiB page depends on the machine's
                // memory, and fork splits the parent's huge pages on its next write.
                Assert.All(committed, m => Assert.True(m.ThpEligible, $"GC commit at {m.Start:x} cannot take huge pages"));
            }

            Assert.All(maps.Where(m => m.Flags.Contains("nr")), m => Assert.DoesNotContain("hg", m.Flags));
        }
        finally
        {
            if (!run.HasExited)
            {
                run.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>The address-contiguous anonymous mappings with huge-page advice that hold a PROT_NONE one of 64 MiB or more.</summary>
    private static List<Mapping> GcHeapRun(List<Mapping> maps)
    {
        List<Mapping> current = [];
        foreach (Mapping m in maps.Append(new Mapping(0, 0, "", "", [], false)))
        {
            bool advised = m.Path.Length == 0 && m.Flags.Contains("hg");
            if (advised && (current.Count == 0 || current[^1].End == m.Start))
            {
                current.Add(m);
                continue;
            }

            if (current.Any(r => r.Permissions == "---p" && r.End - r.Start >= 64L * 1024 * 1024))
            {
                return current;
            }

            current = advised ? [m] : [];
        }

        Assert.Fail("no PROT_NONE reservation with huge-page advice (the GC's) in the AOT nono's mappings");
        return current;
    }

    private sealed record Mapping(long Start, long End, string Permissions, string Path, string[] Flags, bool ThpEligible)
    {
        public static List<Mapping> Parse(string smaps)
        {
            List<Mapping> maps = [];
            Mapping? open = null;
            foreach (string line in smaps.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields[0].Contains('-', StringComparison.Ordinal) && !fields[0].EndsWith(':'))
                {
                    string[] range = fields[0].Split('-');
                    open = new Mapping(Hex(range[0]), Hex(range[1]), fields[1], fields.Length > 5 ? fields[5] : "", [], false);
                    maps.Add(open);
                }
                else if (open is not null && fields[0] == "THPeligible:")
                {
                    maps[^1] = open = open with { ThpEligible = fields[1] == "1" };
                }
                else if (open is not null && fields[0] == "VmFlags:")
                {
                    maps[^1] = open = open with { Flags = fields[1..] };
                }
            }

            return maps;
        }

        private static long Hex(string s) => long.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }
}
