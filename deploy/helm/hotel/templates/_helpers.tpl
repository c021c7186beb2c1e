{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "hotel.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release-qualified name; components append "-<component>". */}}
{{- define "hotel.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 52 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 52 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "hotel.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "hotel.labels" -}}
helm.sh/chart: {{ include "hotel.chart" . }}
app.kubernetes.io/name: {{ include "hotel.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ include "hotel.imageTag" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: hotel
{{- end -}}

{{/* Selector labels of one component: (dict "root" $ "component" "inventory"). */}}
{{- define "hotel.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hotel.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "hotel.imageTag" -}}
{{- default .Chart.AppVersion .Values.image.tag -}}
{{- end -}}

{{- define "hotel.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "hotel.imageTag" .) -}}
{{- end -}}

{{/* Base URL of a component's Service: (dict "root" $ "component" "inventory"). */}}
{{- define "hotel.url" -}}
{{- printf "http://%s-%s:%v" (include "hotel.fullname" .root) .component .root.Values.ports.http -}}
{{- end -}}

{{/* An environment variable from a Secret: (dict "env" "NAME" "ref" .Values.secrets.x). */}}
{{- define "hotel.secretEnv" -}}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "secrets: the Secret holding %s must be named" .env) .ref.name }}
      key: {{ required (printf "secrets: the key of %s must be named" .env) .ref.key }}
{{- end -}}

{{/* The gateway's shared rate limits: HOTEL_REDIS_URL from the external
Redis' Secret, or the chart's own Redis; nothing without either. */}}
{{- define "hotel.redisEnv" -}}
{{- $ext := (.Values.secrets.redisUrl | default dict).name -}}
{{- if and $ext .Values.redis.enabled -}}
{{- fail "redis.enabled and secrets.redisUrl.name: the gateways use one Redis; choose the chart's own or an external one, not both" -}}
{{- end -}}
{{- if $ext -}}
{{ include "hotel.secretEnv" (dict "env" "HOTEL_REDIS_URL" "ref" .Values.secrets.redisUrl) }}
{{- else if .Values.redis.enabled -}}
- name: HOTEL_REDIS_URL
  value: {{ printf "redis://%s-redis:6379/0" (include "hotel.fullname" .) | quote }}
{{- end }}
{{- if or $ext .Values.redis.enabled }}
- name: HOTEL_REDIS_TIMEOUT
  value: {{ .Values.redis.timeout | quote }}
{{- end -}}
{{- end -}}
