using System.CommandLine;

namespace Nono.Action;

internal static class Program
{
    public static int Main(string[] args)
    {
        RootCommand root = new("nono: kernel-enforced sandbox for AI agents and CI jobs");
        return root.Parse(args).Invoke();
    }
}
