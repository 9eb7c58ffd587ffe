using System.ClientModel;
using System.ClientModel.Primitives;
using Azure.AI.OpenAI;
using Clipper.Core.Errors;
using OpenAI;

namespace Clipper.Core.Remote;

/// <summary>
/// Where the remote models are ("Clipper:OpenAI"): OpenAI itself, any OpenAI-compatible server (a self-hosted
/// Whisper or LLM server) through <see cref="BaseUrl"/>, or an Azure OpenAI resource through
/// <see cref="AzureEndpoint"/>, where a model name is the deployment's name. The key is a secret: it is never
/// printed (<see cref="ToString"/> leaves it out) and <see cref="Redact"/> takes it out of any text.
/// </summary>
public sealed class OpenAiOptions
{
    public const string Section = "Clipper:OpenAI";

    /// <summary>The API key (CLIPPER_OPENAI_API_KEY); for Azure, the resource's key. Empty: remote engines are off.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>An OpenAI-compatible server's base URL, e.g. <c>http://whisper.internal:8000/v1</c> (CLIPPER_OPENAI_BASE_URL). Empty: api.openai.com.</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>An Azure OpenAI resource, <c>https://NAME.openai.azure.com/</c> (CLIPPER_AZURE_OPENAI_ENDPOINT); set, it wins over <see cref="BaseUrl"/>.</summary>
    public string AzureEndpoint { get; set; } = "";

    /// <summary>The speech-to-text model; on Azure, its deployment's name.</summary>
    public string TranscriptionModel { get; set; } = "whisper-1";

    /// <summary>The chat model that ranks candidates; on Azure, its deployment's name.</summary>
    public string ChatModel { get; set; } = "gpt-4o-mini";

    /// <summary>How long one HTTP request may take before it is abandoned (and retried by the caller's policy).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Whether an API key is configured (remote engines can be chosen).</summary>
    public bool Configured => !string.IsNullOrWhiteSpace(ApiKey);

    /// <summary>Which service the settings point at: "azure", "openai-compatible" or "openai".</summary>
    public string Service => AzureEndpoint.Length > 0 ? "azure" : BaseUrl.Length > 0 ? "openai-compatible" : "openai";

    /// <summary>
    /// A client for these settings. The SDK's own retries are turned off (<see cref="ClientRetryPolicy"/> with
    /// no retries): callers retry with their own deadline, Retry-After and fall-back rules. Throws
    /// <see cref="ErrorCode.BadOption"/> when no key is set or a URL is malformed.
    /// </summary>
    public OpenAIClient CreateClient()
    {
        if (!Configured)
        {
            throw new ClipperException(ErrorCode.BadOption,
                "no OpenAI API key is configured: set CLIPPER_OPENAI_API_KEY (or Clipper:OpenAI:ApiKey)");
        }

        var key = new ApiKeyCredential(ApiKey);
        if (AzureEndpoint.Length > 0)
        {
            var azure = new AzureOpenAIClientOptions { NetworkTimeout = RequestTimeout, RetryPolicy = new ClientRetryPolicy(0) };
            return new AzureOpenAIClient(Url(AzureEndpoint, nameof(AzureEndpoint)), key, azure);
        }

        var options = new OpenAIClientOptions { NetworkTimeout = RequestTimeout, RetryPolicy = new ClientRetryPolicy(0) };
        if (BaseUrl.Length > 0)
        {
            options.Endpoint = Url(BaseUrl, nameof(BaseUrl));
        }

        return new OpenAIClient(key, options);
    }

    /// <summary>Throws <see cref="ErrorCode.BadOption"/> naming the first setting out of range (never the key).</summary>
    public OpenAiOptions Validate()
    {
        if (BaseUrl.Length > 0)
        {
            Url(BaseUrl, nameof(BaseUrl));
        }

        if (AzureEndpoint.Length > 0)
        {
            Url(AzureEndpoint, nameof(AzureEndpoint));
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            throw new ClipperException(ErrorCode.BadOption, $"RequestTimeout must be positive, got {RequestTimeout}");
        }

        if (string.IsNullOrWhiteSpace(TranscriptionModel) || string.IsNullOrWhiteSpace(ChatModel))
        {
            throw new ClipperException(ErrorCode.BadOption, "TranscriptionModel and ChatModel must not be empty");
        }

        return this;
    }

    /// <summary><paramref name="text"/> with the key replaced by <c>***</c> (for errors, logs and audit records).</summary>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text) || !Configured)
        {
            return text ?? "";
        }

        return text.Replace(ApiKey, "***", StringComparison.Ordinal);
    }

    /// <summary>The settings without the key.</summary>
    public override string ToString() =>
        $"{Service} ({(AzureEndpoint.Length > 0 ? AzureEndpoint : BaseUrl.Length > 0 ? BaseUrl : "api.openai.com")}), "
        + $"transcription {TranscriptionModel}, chat {ChatModel}, key {(Configured ? "set" : "not set")}";

    private static Uri Url(string value, string name)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ClipperException(ErrorCode.BadOption, $"Clipper:OpenAI:{name} must be an http(s) URL, got '{value}'");
        }

        return uri;
    }
}
