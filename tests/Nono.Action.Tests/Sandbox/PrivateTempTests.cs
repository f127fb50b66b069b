using Nono.Action.Commands;
using Nono.Testing;

namespace Nono.Action.Tests.Sandbox;

/// <summary>
/// Review of session 11 (M1): the private TMPDIR is removed after the run while a daemon the command left may still
/// work in it. Swapping a subdirectory for a link to a folder of the user's during the removal must not delete that
/// folder's files; the private temp folder itself is still removed when nothing interferes.
/// </summary>
public sealed class PrivateTempTests
{
    [Fact]
    public void Dispose_RemovesTheTreeWithoutFollowingLinks()
    {
        using TempDirectory outside = new("nono-pt-outside-");
        File.WriteAllText(outside.Combine("keep"), "x");
        PrivateTemp temp = PrivateTemp.Create();
        Directory.CreateDirectory(Path.Combine(temp.Path, "a", "b"));
        File.WriteAllText(Path.Combine(temp.Path, "a", "b", "f"), "x");
        File.CreateSymbolicLink(Path.Combine(temp.Path, "a", "link"), outside.Path);

        temp.Dispose();

        Assert.False(Directory.Exists(temp.Path));
        Assert.True(File.Exists(outside.Combine("keep")));
    }

    [Fact]
    public void Dispose_DirectorySwappedForALinkDuringRemoval_OutsideFilesSurvive()
    {
        using TempDirectory outside = new("nono-pt-victim-");
        const int Directories = 1500;
        for (int attempt = 0; attempt < 20; attempt++)
        {
            string victim = outside.Combine($"victim-{attempt}");
            Directory.CreateDirectory(victim);
            File.WriteAllText(Path.Combine(victim, "keep"), "x");
            PrivateTemp temp = PrivateTemp.Create();
            for (int i = 0; i < Directories; i++)
            {
                string dir = Path.Combine(temp.Path, $"d{i:D4}");
                Directory.CreateDirectory(dir);
                File.WriteAllText(Path.Combine(dir, "f"), "x");
            }

            // The swapper replaces directories (from the end, where the removal arrives last) by links to the victim.
            int swapped = 0;
            bool removing = false;
            using ManualResetEventSlim started = new();
            Thread swapper = new(() =>
            {
                started.Set();
                while (!Volatile.Read(ref removing))
                {
                    Thread.SpinWait(10);
                }

                for (int i = Directories - 1; i >= 0; i--)
                {
                    string dir = Path.Combine(temp.Path, $"d{i:D4}");
                    try
                    {
                        Directory.Move(dir, Path.Combine(temp.Path, $"moved{i:D4}"));
                        File.CreateSymbolicLink(dir, victim);
                        swapped++;
                    }
                    catch (IOException)
                    {
                        return; // the removal got there first
                    }
                }
            });
            swapper.Start();
            started.Wait(TestContext.Current.CancellationToken);
            Volatile.Write(ref removing, true);
            temp.Dispose();
            swapper.Join();

            Assert.True(File.Exists(Path.Combine(victim, "keep")), $"attempt {attempt}: the removal followed a swapped link ({swapped} swapped)");
            if (swapped > 0 && swapped < Directories)
            {
                return; // the swap overlapped the removal: the case under test happened
            }
        }

        Assert.Fail("the swapper never overlapped the removal");
    }
}
