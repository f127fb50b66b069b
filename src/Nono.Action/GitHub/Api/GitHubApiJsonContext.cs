using System.Text.Json.Serialization;

namespace Nono.Action.GitHub.Api;

/// <summary>Source-generated JSON for the GitHub REST shapes nono sends and reads (snake_case, like the API).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CommentDto))]
[JsonSerializable(typeof(UserDto))]
[JsonSerializable(typeof(List<CommentDto>))]
[JsonSerializable(typeof(BodyDto))]
[JsonSerializable(typeof(CheckRunDto))]
[JsonSerializable(typeof(CheckRunRequestDto))]
[JsonSerializable(typeof(ArtifactListDto))]
[JsonSerializable(typeof(PullRequestDto))]
[JsonSerializable(typeof(WorkflowRunListDto))]
[JsonSerializable(typeof(SarifUploadRequest))]
[JsonSerializable(typeof(SarifUploadResponse))]
internal sealed partial class GitHubApiJsonContext : JsonSerializerContext;
