{{/* The release's name for every object: the release name, with the chart's unless it already holds it. */}}
{{- define "clipper.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The labels that select the silos: the Deployment's selector, the pods', the Services', the PDB's. */}}
{{- define "clipper.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Every object's labels. */}}
{{- define "clipper.labels" -}}
{{ include "clipper.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* The existing Secret's name, required. */}}
{{- define "clipper.secretName" -}}
{{- required "secrets.name is required: the name of an existing Secret holding the Redis, PostgreSQL and blob connection strings and the API keys" .Values.secrets.name -}}
{{- end -}}

{{/* Checks across values that the schema cannot express; fails the render with the values' names (helm lint only logs these). */}}
{{- define "clipper.checks" -}}
{{- if ge (int .Values.work.cacheBudgetGi) (int .Values.work.sizeLimitGi) -}}
{{- fail (printf "work.cacheBudgetGi (%d) must be below work.sizeLimitGi (%d): the work directories share the volume with the source cache" (int .Values.work.cacheBudgetGi) (int .Values.work.sizeLimitGi)) -}}
{{- end -}}
{{- if lt (int .Values.autoscaling.maxReplicas) (int .Values.autoscaling.minReplicas) -}}
{{- fail (printf "autoscaling.maxReplicas (%d) must be at least autoscaling.minReplicas (%d)" (int .Values.autoscaling.maxReplicas) (int .Values.autoscaling.minReplicas)) -}}
{{- end -}}
{{- if eq (int .Values.ports.grpc) (int .Values.ports.web) -}}
{{- fail "ports.grpc and ports.web must differ (gRPC listens HTTP/2 only)" -}}
{{- end -}}
{{- end -}}
