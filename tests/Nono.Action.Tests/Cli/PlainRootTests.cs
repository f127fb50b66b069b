using System.CommandLine;
using System.CommandLine.Help;
using Nono.Action.Cli;
using Nono.Action.Tests.Profiles;

namespace Nono.Action.Tests.Cli;

/// <summary>
/// A plain root stands in for System.CommandLine's RootCommand only where the two parse alike: the same tokens, errors
/// and action, and the same name. Every list that could reach the root's help or version option, or a response file,
/// gets the real root.
/// </summary>
public sealed class PlainRootTests
{
    public static TheoryData<string[]> PlainLists() => new()
    {
        { ["wrap", "--", "/bin/true"] },
        { ["run", "-s", "--block-net", "--read", "/usr", "--read", "/home", "--", "/bin/sh", "-c", "echo --help -h -? @x"] },
        { ["wrap", "-sv", "--", "/bin/true"] },
        { ["wrap", "--workdir=/tmp", "-p:default", "--allow-weaker", "no-seccomp", "--", "/bin/true"] },
        { ["run", "--", "--help"] },
        { ["run", "--", "@args"] },
        { ["wrap", "-s", "--", "/usr/bin/git", "--version"] },
        { ["run"] },
        { ["wrap", "--landlock-abi", "x", "--", "/bin/true"] },
        { ["run", "--bogus", "--", "/bin/true"] },
        { ["run", "--fs-observer", "sometimes", "--", "/bin/true"] },
        { ["why", "--path", "/x", "--op", "execute"] },
        { ["profile", "show"] },
        { ["profile", "bogus"] },
    };

    public static TheoryData<string[]> HelpLists() => new()
    {
        { ["run", "--help"] },
        { ["wrap", "-h", "--", "/bin/true"] },
        { ["run", "-sh", "--", "/bin/true"] },
        { ["wrap", "-s?", "--", "/bin/true"] },
        { ["wrap", "--help=1", "--", "/bin/true"] },
        { ["wrap", "-h:x", "--", "/bin/true"] },
        { ["wrap", "/h"] },
        { ["wrap", "/?"] },
        { ["profile", "show", "-?"] },
    };

    [Theory]
    [MemberData(nameof(PlainLists))]
    public void ListThatCannotReachTheRoot_ParsesAsUnderTheRealRoot(string[] args)
    {
        using CliFixture f = new();
        CliContext context = Context(f);

        Command root = NonoCli.Build(args, context);
        RootCommand real = RealRoot(args, context);

        Assert.IsNotType<RootCommand>(root);
        Assert.Equal(RootCommand.ExecutableName, root.Name);
        ParseResult plain = root.Parse(args);
        ParseResult expected = real.Parse(args);
        Assert.Equal(Describe(expected), Describe(plain));
    }

    [Theory]
    [MemberData(nameof(HelpLists))]
    public void ListThatCanReachTheHelpOption_GetsTheRealRoot(string[] args)
    {
        using CliFixture f = new();
        CliContext context = Context(f);

        Assert.IsType<HelpAction>(RealRoot(args, context).Parse(args).Action);
        Assert.IsType<RootCommand>(NonoCli.Build(args, context));
    }

    [Theory]
    [InlineData("run", "--version")]
    [InlineData("wrap", "@args.rsp", "--", "/bin/true")]
    [InlineData("wrap", "--version=1", "--", "/bin/true")]
    public void VersionOrResponseFile_GetsTheRealRoot(params string[] args)
    {
        using CliFixture f = new();

        Assert.IsType<RootCommand>(NonoCli.Build(args, Context(f)));
    }

    private static RootCommand RealRoot(string[] args, CliContext context)
    {
        RootCommand root = new("nono: kernel-enforced sandbox for AI agents and CI jobs");
        root.Subcommands.Add(Assert.Single(CommandCatalog.CreateFor(args, context)));
        return root;
    }

    /// <summary>What the user can observe of a parse: the tokens as read, the errors, and which command's action runs.</summary>
    private static string Describe(ParseResult parse) => string.Join('\n',
    [
        .. parse.Tokens.Select(t => $"{t.Type} {t.Value}"),
        .. parse.UnmatchedTokens.Select(t => $"unmatched {t}"),
        .. parse.Errors.Select(e => $"error {e.Message}"),
        $"command {parse.CommandResult.Command.Name}",
        $"action {(parse.Action is null ? "none" : ReferenceEquals(parse.Action, parse.CommandResult.Command.Action) ? "the command's" : parse.Action.GetType().Name)}",
    ]);

    private static CliContext Context(CliFixture f) => new(TextWriter.Null, TextWriter.Null, f.Environment, f.Workdir);
}
