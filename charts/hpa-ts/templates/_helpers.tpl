{{/* The release's full name: the release name when it contains the chart's, else "<release>-hpa-ts". */}}
{{- define "hpa-ts.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* What selects the pods (the overlays' labels, plus the release). */}}
{{- define "hpa-ts.selectorLabels" -}}
app.kubernetes.io/name: hpa-ts
app.kubernetes.io/component: controller
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* Labels of objects that are not the controller's (the user roles of CRD mode). */}}
{{- define "hpa-ts.baseLabels" -}}
app.kubernetes.io/name: hpa-ts
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "hpa-ts.labels" -}}
{{ include "hpa-ts.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Whether the mode writes scales, statuses and events (builtin, crd). */}}
{{- define "hpa-ts.writes" -}}
{{- if or (eq .Values.mode "builtin") (eq .Values.mode "crd") }}true{{ end -}}
{{- end -}}

{{- define "hpa-ts.leaseName" -}}
{{- default (include "hpa-ts.fullname" .) .Values.leaderElection.leaseName -}}
{{- end -}}

{{- define "hpa-ts.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{/* The adapter rules file the ConfigMap holds: the given rules, or the seed-000 rule. */}}
{{- define "hpa-ts.adapterRules" -}}
{{- $rules := .Values.metrics.prometheus.adapterRules -}}
{{- if and $rules (kindIs "string" $rules) -}}
{{- $rules -}}
{{- else if $rules -}}
{{- toYaml $rules -}}
{{- else -}}
{{- .Files.Get "files/adapter-rules.yaml" -}}
{{- end -}}
{{- end -}}

{{/* "horizontal-pod-autoscaler-sync-period" → "HPA_TS_HORIZONTAL_POD_AUTOSCALER_SYNC_PERIOD" */}}
{{- define "hpa-ts.envName" -}}
{{- printf "HPA_TS_%s" (. | replace "-" "_" | upper) -}}
{{- end -}}
