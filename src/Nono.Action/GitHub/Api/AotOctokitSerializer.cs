using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Nono.Core.Diagnostics;
using Octokit;
using Octokit.Internal;

namespace Nono.Action.GitHub.Api;

/// <summary>
/// Octokit's own serializer builds its models through reflection over generic types, which fails under
/// NativeAOT (measured: a NullReferenceException inside <c>PocoJsonSerializerStrategy</c>). Octokit lets the
/// serializer be replaced, so this one maps the few shapes nono exchanges through source-generated
/// System.Text.Json and Octokit's public constructors. Anything else fails loudly instead of half-working.
/// </summary>
internal sealed class AotOctokitSerializer : IJsonSerializer
{
    private static readonly GitHubApiJsonContext s_json = GitHubApiJsonContext.Default;

    public string Serialize(object item) => item switch
    {
        NewCheckRun run => JsonSerializer.Serialize(ToRequest(run.Name, run.HeadSha, run.Status, run.Conclusion, run.CompletedAt, run.Output), s_json.CheckRunRequestDto),
        CheckRunUpdate update => JsonSerializer.Serialize(ToRequest(update.Name, null, update.Status, update.Conclusion, update.CompletedAt, update.Output), s_json.CheckRunRequestDto),
        SarifUploadRequest sarif => JsonSerializer.Serialize(sarif, s_json.SarifUploadRequest),
        BodyDto body => JsonSerializer.Serialize(body, s_json.BodyDto),
        _ when item.GetType().FullName == "Octokit.BodyWrapper" => JsonSerializer.Serialize(new BodyDto(BodyOf(item)), s_json.BodyDto),
        _ => throw Unsupported(item.GetType()),
    };

    public T Deserialize<T>(string json)
    {
        object result = typeof(T) switch
        {
            Type t when t == typeof(IssueComment) => ToComment(Parse(json, s_json.CommentDto)),
            Type t when t == typeof(List<IssueComment>) || t == typeof(IReadOnlyList<IssueComment>) => Parse(json, s_json.ListCommentDto).Select(ToComment).ToList(),
            Type t when t == typeof(User) => ToUser(Parse(json, s_json.UserDto)),
            Type t when t == typeof(CheckRun) => ToCheckRun(Parse(json, s_json.CheckRunDto)),
            Type t when t == typeof(ListArtifactsResponse) => ToArtifacts(Parse(json, s_json.ArtifactListDto)),
            Type t when t == typeof(SarifUploadResponse) => Parse(json, s_json.SarifUploadResponse),
            Type t when t == typeof(PullRequestDto) => Parse(json, s_json.PullRequestDto),
            Type t when t == typeof(WorkflowRunListDto) => Parse(json, s_json.WorkflowRunListDto),
            _ => throw Unsupported(typeof(T)),
        };
        return (T)result;
    }

    private static TValue Parse<TValue>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TValue> info) =>
        JsonSerializer.Deserialize(json, info) ?? throw new NonoException(NonoErrorCode.Io, $"GitHub API answered null for {typeof(TValue).Name}");

    private static CheckRunRequestDto ToRequest(string? name, string? headSha, StringEnum<CheckStatus>? status, StringEnum<CheckConclusion>? conclusion, DateTimeOffset? completedAt, NewCheckRunOutput? output) =>
        new(name, headSha, status?.StringValue, conclusion?.StringValue, completedAt, output is null ? null : new CheckRunRequestOutputDto(
            output.Title,
            output.Summary,
            output.Text,
            output.Annotations?.Select(a => new AnnotationDto(a.Path, a.StartLine, a.EndLine, a.AnnotationLevel?.StringValue ?? "warning", a.Message, a.Title)).ToList()));

    private static IssueComment ToComment(CommentDto c) =>
        new(c.Id, c.NodeId, c.Url, c.HtmlUrl, c.Body, c.CreatedAt, c.UpdatedAt, c.User is null ? null : ToUser(c.User), null, default);

    private static User ToUser(UserDto u) =>
        new(null, null, null, 0, null, default, default, 0, null, 0, 0, null, null, 0, u.Id, null, u.Login, null, null, 0, null, 0, 0, 0, null, null, false, null, null);

    private static CheckRun ToCheckRun(CheckRunDto r) =>
        new(r.Id, r.HeadSha, r.ExternalId, r.Url, r.HtmlUrl, r.DetailsUrl, Status(r.Status), Conclusion(r.Conclusion), r.StartedAt ?? default, r.CompletedAt,
            r.Output is null ? null : new CheckRunOutputResponse(r.Output.Title, r.Output.Summary, r.Output.Text, r.Output.AnnotationsCount),
            r.Name, null, null, []);

    private static ListArtifactsResponse ToArtifacts(ArtifactListDto list) =>
        new(list.TotalCount, [.. list.Artifacts.Select(a => new Artifact(
            a.Id, a.NodeId, a.Name, checked((int)a.SizeInBytes), a.Url, a.ArchiveDownloadUrl, a.Expired, a.CreatedAt, a.ExpiresAt ?? default, a.UpdatedAt ?? default,
            a.WorkflowRun is null ? null : new ArtifactWorkflowRun(a.WorkflowRun.Id, a.WorkflowRun.RepositoryId, a.WorkflowRun.HeadRepositoryId, a.WorkflowRun.HeadBranch, a.WorkflowRun.HeadSha)))]);

    private static CheckStatus Status(string? value) => value switch
    {
        "queued" => CheckStatus.Queued,
        "in_progress" => CheckStatus.InProgress,
        _ => CheckStatus.Completed,
    };

    private static CheckConclusion? Conclusion(string? value) => value switch
    {
        null => null,
        "success" => CheckConclusion.Success,
        "failure" => CheckConclusion.Failure,
        "neutral" => CheckConclusion.Neutral,
        "cancelled" => CheckConclusion.Cancelled,
        "timed_out" => CheckConclusion.TimedOut,
        "action_required" => CheckConclusion.ActionRequired,
        "skipped" => CheckConclusion.Skipped,
        _ => CheckConclusion.Stale,
    };

    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "BodyWrapper.Body is kept by the DynamicDependency below.")]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, "Octokit.BodyWrapper", "Octokit")]
    private static string BodyOf(object wrapper) =>
        wrapper.GetType().GetProperty("Body")?.GetValue(wrapper) as string ?? "";

    private static NonoException Unsupported(Type type) =>
        new(NonoErrorCode.Io, $"GitHub API shape {type.Name} is not mapped for NativeAOT (add it to AotOctokitSerializer)");
}
