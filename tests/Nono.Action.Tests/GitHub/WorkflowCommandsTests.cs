using Nono.Action.GitHub;

namespace Nono.Action.Tests.GitHub;

public sealed class WorkflowCommandsTests
{
    [Theory]
    [InlineData("plain", "::error::plain")]
    [InlineData("50%", "::error::50%25")]
    [InlineData("a\n::add-mask::x", "::error::a%0A::add-mask::x")]
    [InlineData("cr\r\nlf", "::error::cr%0D%0Alf")]
    public void Error_UntrustedMessage_StaysOneCommand(string message, string expected)
    {
        StringWriter output = new();

        new WorkflowCommands(output).Error(message);

        Assert.Equal(expected + Environment.NewLine, output.ToString());
    }

    [Fact]
    public void Error_WithAnnotation_EscapesPropertyValues()
    {
        StringWriter output = new();

        new WorkflowCommands(output).Error("denied", new Annotation("dir,x/a:b.txt", 7, "nono: fs"));

        Assert.Equal("::error title=nono%3A fs,file=dir%2Cx/a%3Ab.txt,line=7::denied" + Environment.NewLine, output.ToString());
    }

    [Fact]
    public void AddMask_MultiLineSecret_MasksEveryLine()
    {
        StringWriter output = new();

        new WorkflowCommands(output).AddMask("line-one\nline-two\n");

        Assert.Equal(["::add-mask::line-one", "::add-mask::line-two", ""], output.ToString().Split(Environment.NewLine));
    }
}
