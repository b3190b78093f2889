{{/*
perennial.name: the chart's name, or nameOverride; 63 characters at most (a DNS label).
*/}}
{{- define "perennial.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
perennial.fullname: the prefix of every resource name, "<release>-<chart>" unless the release name
already contains the chart name; fullnameOverride replaces it. 63 characters at most.
*/}}
{{- define "perennial.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
perennial.suffixedName: "<fullname>-<suffix>" in at most 63 characters. The full name is cut, never
the suffix, so the names of different components stay different however long the release name is.
Call with (dict "root" $ "suffix" "trainer-worker").
*/}}
{{- define "perennial.suffixedName" -}}
{{- $base := include "perennial.fullname" .root | trunc (int (sub 62 (len .suffix))) | trimSuffix "-" -}}
{{- printf "%s-%s" $base .suffix -}}
{{- end -}}

{{/*
perennial.chart: "<chart>-<version>" for the helm.sh/chart label.
*/}}
{{- define "perennial.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
perennial.selectorLabels: the labels that select every pod of this release.
*/}}
{{- define "perennial.selectorLabels" -}}
app.kubernetes.io/name: {{ include "perennial.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/*
perennial.labels: the standard app.kubernetes.io labels of every resource of this release.
*/}}
{{- define "perennial.labels" -}}
helm.sh/chart: {{ include "perennial.chart" . }}
{{ include "perennial.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: perennial
{{- end -}}

{{/*
perennial.componentSelectorLabels: the labels that select the pods of one component.
Call with (dict "root" $ "name" "ingest").
*/}}
{{- define "perennial.componentSelectorLabels" -}}
{{ include "perennial.selectorLabels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/*
perennial.componentLabels: the standard labels plus the component's.
Call with (dict "root" $ "name" "ingest").
*/}}
{{- define "perennial.componentLabels" -}}
{{ include "perennial.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/*
perennial.components: the one list of Perennial's components. Fills the dict given as "out" with
one entry per enabled component, keyed by its name:
  values       its values;
  command      the `perennial` subcommand that runs it;
  kind         Deployment, or StatefulSet where the service needs a stable name per pod (the
               trainer worker's transactional.id and group.instance.id derive from its worker id,
               the evaluator's transactional.id from its instance id);
  podNameKey   the configuration key set to the pod's name (a StatefulSet's stable name), if any;
  secretFiles  Secret of the `secrets` values -> the configuration key naming its mounted file;
  secretEnv    Secret of the `secrets` values -> the configuration key set from it as a variable;
  tenantFiles  Secret of the `secrets` values holding one item <tenant>.jsonl per tenant of its
               `tenants` -> the prefix and suffix of the per-tenant key naming that file;
  settings     configuration the chart sets for this component only (folders in the pod);
  sharedClaim  whether it mounts the shared claim (the artifact store, release area and reports):
               every component but ingest, which works on Kafka alone;
  readApi      whether it serves the publisher's read API;
  djl          whether it loads DJL and PyTorch (trains or scores): only these may run on a GPU,
               and only these mount baseModels.volume.
Templates range over the result (in name order):
  {{- $components := dict }}{{- include "perennial.components" (dict "root" $ "out" $components) }}
*/}}
{{- define "perennial.components" -}}
{{- $v := .root.Values -}}
{{- $paths := include "perennial.paths" .root | fromYaml -}}
{{- $all := dict
  "ingest" (dict "values" $v.ingest "command" (list "ingest") "kind" "Deployment" "podNameKey" ""
    "secretFiles" (dict "pseudonymisationKey" "perennial.ingest.pseudonym.secret.file" "masterKeys" "perennial.privacy.master.keys.file")
    "secretEnv" (dict) "tenantFiles" (dict)
    "settings" (ternary (dict "perennial.ingest.input.topics" "per-tenant") (dict) $v.tenantTopics.enabled) "sharedClaim" false "readApi" false "djl" false)
  "trainer-accumulator" (dict "values" $v.trainer.accumulator "command" (list "trainer" "accumulator") "kind" "Deployment" "podNameKey" ""
    "secretFiles" (dict "masterKeys" "perennial.privacy.master.keys.file") "secretEnv" (dict) "tenantFiles" (dict)
    "settings" (dict "perennial.trainer.worker.work.dir" $paths.trainerWork) "sharedClaim" true "readApi" false "djl" false)
  "trainer-worker" (dict "values" $v.trainer.worker "command" (list "trainer" "worker") "kind" "StatefulSet" "podNameKey" "perennial.trainer.worker.id"
    "secretFiles" (dict) "secretEnv" (dict) "tenantFiles" (dict)
    "settings" (merge (dict "perennial.trainer.worker.work.dir" $paths.trainerWork) (include "perennial.baseModelSetting" (dict "root" .root "key" "perennial.trainer.base.model.path") | fromYaml))
    "sharedClaim" true "readApi" false "djl" true)
  "evaluator" (dict "values" $v.evaluator "command" (list "evaluator") "kind" "StatefulSet" "podNameKey" "perennial.evaluator.instance.id"
    "secretFiles" (dict) "secretEnv" (dict)
    "tenantFiles" (dict "canaries" (dict "prefix" "perennial.evaluator.tenant." "suffix" ".canary.file"))
    "settings" (merge (dict "perennial.evaluator.evaluation.path" $paths.evaluations) (include "perennial.baseModelSetting" (dict "root" .root "key" "perennial.evaluator.base.model.path") | fromYaml))
    "sharedClaim" true "readApi" false "djl" true)
  "publisher" (dict "values" $v.publisher "command" (list "publisher") "kind" "Deployment" "podNameKey" ""
    "secretFiles" (dict "signingKey" "perennial.publisher.signing.key.file")
    "secretEnv" (dict "adminToken" "perennial.publisher.admin.token") "tenantFiles" (dict)
    "settings" (dict "perennial.publisher.release.path" $paths.releases "perennial.publisher.api.port" (int $v.readApi.containerPort))
    "sharedClaim" true "readApi" true "djl" false)
-}}
{{- range $name, $component := $all -}}
{{- if $component.values.enabled -}}
{{- $_ := set $.out $name $component -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
perennial.recordSize: the producer's max.request.size a component's settings give, read as the
trainer reads it (RecordBudget): producer.max.request.size first, then max.request.size, then
Kafka's default.
*/}}
{{- define "perennial.recordSize" -}}
{{- $settings := merge (deepCopy .values.config) .root.Values.config -}}
{{- index $settings "producer.max.request.size" | default (index $settings "max.request.size") | default 1048576 | int64 -}}
{{- end -}}

{{/*
perennial.checkTrainerRecordSize: fails when the trainer's worker would be allowed smaller records
than its accumulator: the accumulator sizes each job to its limit and a worker allowed less stops
at the first job it could not answer with a candidate (allowed more is fine).
*/}}
{{- define "perennial.checkTrainerRecordSize" -}}
{{- $accumulator := get .components "trainer-accumulator" -}}
{{- $worker := get .components "trainer-worker" -}}
{{- if and $accumulator $worker -}}
{{- $sent := include "perennial.recordSize" (dict "root" .root "values" $accumulator.values) -}}
{{- $taken := include "perennial.recordSize" (dict "root" .root "values" $worker.values) -}}
{{- if lt (int64 $taken) (int64 $sent) -}}
{{- fail (printf "trainer.accumulator gets max.request.size %s and trainer.worker only %s: the accumulator sizes each training job to its limit, and a worker allowed less stops at the first job it cannot answer; set it once, in config, for both" $sent $taken) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
perennial.valuesPath: where a component's values live, e.g. trainer-accumulator -> trainer.accumulator.
*/}}
{{- define "perennial.valuesPath" -}}
{{- get (dict "trainer-accumulator" "trainer.accumulator" "trainer-worker" "trainer.worker") . | default . -}}
{{- end -}}

{{/*
perennial.paths: where things live inside the pods (the image's Dockerfile uses the same folders).
The shared claim holds the artifact store, the publisher's release area and the evaluator's reports
side by side.
Use as (include "perennial.paths" . | fromYaml).
*/}}
{{- define "perennial.paths" -}}
config: /etc/perennial/config
shared: /var/lib/perennial/shared
artifacts: /var/lib/perennial/shared/artifacts
releases: /var/lib/perennial/shared/releases
evaluations: /var/lib/perennial/shared/evaluations
trainerWork: /tmp/trainer-work
djlCache: /var/cache/perennial/djl
tmp: /tmp
kafkaCa: /etc/perennial/kafka/ca
kafkaClient: /etc/perennial/kafka/client
registryCa: /etc/perennial/schema-registry/ca
secrets: /etc/perennial/secrets
baseModels: /var/lib/perennial/base-models
{{- end -}}

{{/*
perennial.baseModelSetting: the base model folder setting of the trainer's workers or the evaluator
("key": its path under baseModels.volume's mount) when baseModels.folder names one; nothing
otherwise. Use with fromYaml. Call with (dict "root" $ "key" "perennial.evaluator.base.model.path").
*/}}
{{- define "perennial.baseModelSetting" -}}
{{- $models := .root.Values.baseModels -}}
{{- if $models.folder -}}
{{- if not $models.volume -}}
{{- fail "baseModels.folder names a folder of baseModels.volume, which is empty: give the volume holding the base models" -}}
{{- end -}}
{{ .key }}: {{ printf "%s/%s" (include "perennial.paths" .root | fromYaml).baseModels $models.folder | quote }}
{{- end -}}
{{- end -}}

{{/*
perennial.secretMountNames: the folder (and volume) name of each mounted Secret of the `secrets`
values.
*/}}
{{- define "perennial.secretMountNames" -}}
pseudonymisationKey: pseudonymisation-key
masterKeys: master-keys
signingKey: signing-key
canaries: canaries
{{- end -}}

{{/*
perennial.image: the image reference of a component: its own repository and tag if set, else the
chart-wide ones; the tag defaults to appVersion, plus image.cudaTagSuffix for GPU components.
Call with (dict "root" $ "component" $componentValues).
*/}}
{{- define "perennial.image" -}}
{{- $image := .root.Values.image -}}
{{- $own := .component.image -}}
{{- $repository := default $image.repository $own.repository -}}
{{- $tag := $own.tag -}}
{{- if not $tag -}}
{{- $tag = default .root.Chart.AppVersion $image.tag -}}
{{- if .component.gpu.enabled -}}
{{- $tag = printf "%s%s" $tag $image.cudaTagSuffix -}}
{{- end -}}
{{- end -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}

{{/*
perennial.serviceAccountName: the ServiceAccount the pods run as.
*/}}
{{- define "perennial.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "perennial.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
perennial.scraped: "true" when a component's pods carry the prometheus.io scrape annotations:
with metrics.scrapeAnnotations, unless its NetworkPolicy closes the port to the scrapers. The
publisher's http.port also carries the alias moves and retractions, so with networkPolicy.enabled it admits only
networkPolicy.adminFrom and .metricsFrom: its pods ask to be scraped only when metricsFrom names
the scrapers (NOTES.txt says so otherwise).
Call with (dict "root" $ "name" "publisher").
*/}}
{{- define "perennial.scraped" -}}
{{- $v := .root.Values -}}
{{- if $v.metrics.scrapeAnnotations -}}
{{- if or (ne .name "publisher") (not $v.networkPolicy.enabled) $v.networkPolicy.metricsFrom -}}
true
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
perennial.sharedClaimUsed: "true" when an enabled component mounts the shared claim (every one but
ingest), empty otherwise.
*/}}
{{- define "perennial.sharedClaimUsed" -}}
{{- $components := dict -}}
{{- include "perennial.components" (dict "root" . "out" $components) -}}
{{- range $component := $components -}}
{{- if $component.sharedClaim -}}true{{- end -}}
{{- end -}}
{{- end -}}

{{/*
perennial.artifactsClaim: the PersistentVolumeClaim of the artifact store.
*/}}
{{- define "perennial.artifactsClaim" -}}
{{- default (include "perennial.suffixedName" (dict "root" . "suffix" "artifacts")) .Values.artifacts.persistence.existingClaim -}}
{{- end -}}

{{/*
perennial.envName: the environment variable that sets a configuration key, the inverse of core's
EnvironmentVariables.toKey: "perennial.x.y" -> PERENNIAL_X_Y, any other key -> PERENNIAL_CLIENT_...;
"." becomes "_", "_" becomes "__", "-" becomes "___".
*/}}
{{- define "perennial.envName" -}}
{{- $own := hasPrefix "perennial." . -}}
{{- $rest := ternary (trimPrefix "perennial." .) . $own -}}
{{- $encoded := $rest | replace "-" "\x00" | replace "_" "__" | replace "." "_" | replace "\x00" "___" | upper -}}
{{- printf "%s%s" (ternary "PERENNIAL_" "PERENNIAL_CLIENT_" $own) $encoded -}}
{{- end -}}

{{/*
perennial.propertyValue: a value as a java.util.Properties file needs it: whole numbers without an
exponent (Helm reads numbers as floats), backslashes and line breaks escaped.
*/}}
{{- define "perennial.propertyValue" -}}
{{- $value := . -}}
{{- if and (kindIs "float64" $value) (eq $value (floor $value)) -}}
{{- int64 $value -}}
{{- else -}}
{{- $escaped := toString $value | replace "\\" "\\\\" | replace "\n" "\\n" | replace "\r" "\\r" -}}
{{- regexReplaceAll "^([ \t\f])" $escaped "\\${1}" -}}
{{- end -}}
{{- end -}}

{{/*
perennial.managedKeys: the configuration keys the chart sets from its own values; `config` and
`secretConfig` may not set them (the chart's probes, volumes and topics rely on them).
*/}}
{{- define "perennial.managedKeys" -}}
- bootstrap.servers
- schema.registry.url
- perennial.topic.prefix
- perennial.topic.partitions
- perennial.topic.replication.factor
- perennial.topic.retention.ms
- perennial.topic.long.retention.ms
- perennial.topic.keys.max.compaction.lag.ms
- perennial.artifact.store.path
- perennial.http.port
- security.protocol
- sasl.mechanism
- sasl.jaas.config
- ssl.truststore.type
- ssl.truststore.location
- ssl.keystore.type
- ssl.keystore.location
- ssl.keystore.password
- basic.auth.credentials.source
- basic.auth.user.info
- schema.registry.ssl.truststore.type
- schema.registry.ssl.truststore.location
# the components' own (see perennial.components)
- perennial.ingest.pseudonym.secret
- perennial.ingest.pseudonym.secret.file
- perennial.ingest.input.topics
- perennial.privacy.master.keys
- perennial.privacy.master.keys.file
- perennial.trainer.worker.id
- perennial.trainer.worker.work.dir
- perennial.evaluator.instance.id
- perennial.evaluator.evaluation.path
- perennial.publisher.release.path
- perennial.publisher.api.port
- perennial.publisher.signing.key
- perennial.publisher.signing.key.file
- perennial.publisher.admin.token
{{- end -}}

{{/*
perennial.clientWiringKeys: the Kafka client and serde keys among perennial.managedKeys, each with
the value that sets it. Streams hands a key under a client prefix (perennial.clientPrefixes) to that
client with the prefix stripped, so `config` and `secretConfig` may not set these under one either.
*/}}
{{- define "perennial.clientWiringKeys" -}}
bootstrap.servers: kafka.bootstrapServers
schema.registry.url: schemaRegistry.url
security.protocol: kafka.securityProtocol
sasl.mechanism: kafka.sasl.mechanism
sasl.jaas.config: kafka.sasl.jaasConfigSecret
ssl.truststore.type: kafka.tls.caSecret
ssl.truststore.location: kafka.tls.caSecret
ssl.keystore.type: kafka.tls.clientSecret
ssl.keystore.location: kafka.tls.clientSecret
ssl.keystore.password: kafka.tls.clientSecret
basic.auth.credentials.source: schemaRegistry.basicAuthSecret
basic.auth.user.info: schemaRegistry.basicAuthSecret
schema.registry.ssl.truststore.type: schemaRegistry.tls
schema.registry.ssl.truststore.location: schemaRegistry.tls
{{- end -}}

{{/*
perennial.clientPrefixes: the prefixes under which Kafka Streams (and the trainer worker's producer)
hand a key to one client.
*/}}
{{- define "perennial.clientPrefixes" -}}
- producer.
- consumer.
- main.consumer.
- restore.consumer.
- global.consumer.
- admin.
{{- end -}}

{{/*
perennial.passwordKeys: the passwords of Kafka's clients (their Type.PASSWORD keys) that the chart does
not set itself; `config` may not set them, as it is rendered into the ConfigMap in clear. (The
passwords the chart sets are among perennial.managedKeys.)
*/}}
{{- define "perennial.passwordKeys" -}}
- ssl.key.password
- ssl.keystore.key
- ssl.keystore.certificate.chain
- ssl.truststore.password
- ssl.truststore.certificates
- schema.registry.ssl.truststore.password
- sasl.oauthbearer.client.credentials.client.secret
- sasl.oauthbearer.assertion.private.key.passphrase
{{- end -}}

{{/*
perennial.checkKeys: fails when a `config` or `secretConfig` map sets a key the chart manages (its
Kafka wiring also under a client prefix: producer.security.protocol), or when a `config` map
(plain: rendered into the ConfigMap) sets a password, also one under a client prefix
(producer.ssl.key.password).
Call with (dict "root" $ "keys" (keys $map) "where" "ingest.config" "plain" true).
*/}}
{{- define "perennial.checkKeys" -}}
{{- $managed := include "perennial.managedKeys" .root | fromYamlArray -}}
{{- $passwords := include "perennial.passwordKeys" .root | fromYamlArray -}}
{{- /* Streams hands producer.*, consumer.*, main.consumer.*, admin.* ... keys to that client, so a
password under any prefix is one too, the chart's own (set unprefixed from Secrets) included. */ -}}
{{- $wirings := include "perennial.clientWiringKeys" .root | fromYaml -}}
{{- $prefixes := include "perennial.clientPrefixes" .root | fromYamlArray -}}
{{- $anyPrefix := concat $passwords (list "sasl.jaas.config" "ssl.keystore.password" "basic.auth.user.info") -}}
{{- range $key := .keys -}}
{{- $prefixedPassword := false -}}
{{- range $password := $anyPrefix -}}
{{- if hasSuffix (printf ".%s" $password) $key -}}
{{- $prefixedPassword = true -}}
{{- end -}}
{{- end -}}
{{- if has $key $managed -}}
{{- fail (printf "%s sets %s, which the chart sets from its own values (see values.yaml)" $.where $key) -}}
{{- else if and $.plain (or (has $key $passwords) $prefixedPassword) -}}
{{- fail (printf "%s sets %s, a password, which would be rendered into the ConfigMap in clear; read it from a Secret with secretConfig" $.where $key) -}}
{{- end -}}
{{- range $prefix := $prefixes -}}
{{- $wiring := trimPrefix $prefix $key -}}
{{- if and (hasPrefix $prefix $key) (hasKey $wirings $wiring) -}}
{{- fail (printf "%s sets %s, which the chart sets from %s for every client (Streams hands %s* keys to one client)" $.where $key (get $wirings $wiring) $prefix) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
perennial.registryCa: the volume source (secret or configMap) of the schema registry's CA
certificates, the one of schemaRegistry.tls.caSecret and .caConfigMap that is named; empty when
neither is. Fails when both are.
*/}}
{{- define "perennial.registryCa" -}}
{{- $tls := .Values.schemaRegistry.tls -}}
{{- if and $tls.caSecret.name $tls.caConfigMap.name -}}
{{- fail "schemaRegistry.tls: name the registry's CA in caSecret or in caConfigMap, not both" -}}
{{- else if $tls.caSecret.name -}}
secret:
  # 0440: the owner (root) and the pod's fsGroup read it, nobody else.
  defaultMode: 288
  secretName: {{ $tls.caSecret.name }}
  items:
    - key: {{ $tls.caSecret.key }}
      path: ca.crt
{{- else if $tls.caConfigMap.name -}}
configMap:
  name: {{ $tls.caConfigMap.name }}
  items:
    - key: {{ $tls.caConfigMap.key }}
      path: ca.crt
{{- end -}}
{{- end -}}

{{/*
perennial.saslEnabled: "true" when the Kafka security protocol uses SASL.
*/}}
{{- define "perennial.saslEnabled" -}}
{{- if has .Values.kafka.securityProtocol (list "SASL_PLAINTEXT" "SASL_SSL") }}true{{ end -}}
{{- end -}}

{{/*
perennial.jaasConfigSecret: the Secret key a component's sasl.jaas.config comes from, as "name" and
"key": its own KafkaUser's Secret with kafka.strimziUsers (Strimzi's User Operator writes it, named
after the user), else its entry of kafka.sasl.componentJaasConfigSecrets, else the shared
kafka.sasl.jaasConfigSecret.
Call with (dict "root" $ "name" "ingest"); use with fromYaml.
*/}}
{{- define "perennial.jaasConfigSecret" -}}
{{- $kafka := .root.Values.kafka -}}
{{- $own := get $kafka.sasl.componentJaasConfigSecrets .name -}}
{{- if $kafka.strimziUsers.enabled -}}
name: {{ include "perennial.suffixedName" (dict "root" .root "suffix" .name) }}
key: sasl.jaas.config
{{- else if $own -}}
name: {{ $own.name }}
key: {{ default "sasl.jaas.config" $own.key }}
{{- else -}}
name: {{ required (printf "kafka.sasl.jaasConfigSecret.name is required with a SASL securityProtocol: %s has no login of its own in kafka.sasl.componentJaasConfigSecrets" .name) $kafka.sasl.jaasConfigSecret.name }}
key: {{ $kafka.sasl.jaasConfigSecret.key }}
{{- end -}}
{{- end -}}

{{/*
perennial.stageTopics: the topics (after the prefix) each stage reads, reads and purges, reads and
writes, or writes, as core's StageAcls lists them (StageUsersChartTest holds the two equal).
*/}}
{{- define "perennial.stageTopics" -}}
ingest:
  readPurge: [documents.v1, feedback.v1, consent.v1]
  write: [examples.v1, rejected.v1, erasures.v1, subject-keys.v1]
trainer-accumulator:
  read: [examples.v1, erasures.v1, candidates.v1, verdicts.v1, releases.v1, bases.v1, imports.v1, job-outcomes.v1, subject-keys.v1]
  write: [training-jobs.v1, audit.v1]
trainer-worker:
  read: [training-jobs.v1, releases.v1, verdicts.v1]
  readWrite: [candidates.v1]
  write: [job-outcomes.v1]
evaluator:
  read: [candidates.v1, releases.v1]
  write: [verdicts.v1]
publisher:
  read: [verdicts.v1, training-jobs.v1, job-outcomes.v1]
  readWrite: [releases.v1]
  write: [audit.v1]
{{- end -}}

{{/*
perennial.stageAcls: a component's Kafka ACLs as a Strimzi KafkaUser's spec.authorization.acls,
exactly core's StageAcls for the component's configuration (what `perennial acls` prints for it):
its topics under topics.prefix (with tenantTopics, ingest reads and purges the prefix <prefix>in.
instead of the shared input topics), and its consumer group and transactional ids; ingest and the
accumulator, Kafka Streams applications, get All on their internal topics (<application.id>-...),
their group <application.id> and their transactional ids <application.id>-...; the ids not set
are under the topic prefix (core's GroupIds), and so are the worker's and the evaluator's
transactional ids (core's TransactionalIds). Every topic a stage uses has Describe and
DescribeConfigs (checked at start); none has Create.
Call with (dict "root" $ "name" "ingest" "component" $component), $component from
perennial.components.
*/}}
{{- define "perennial.stageAcls" -}}
{{- $v := .root.Values -}}
{{- $prefix := $v.topics.prefix -}}
{{- $settings := merge (deepCopy .component.values.config) $v.config -}}
{{- $operations := dict
  "read" (list "Read" "Describe" "DescribeConfigs")
  "readPurge" (list "Read" "Delete" "Describe" "DescribeConfigs")
  "readWrite" (list "Read" "Write" "Describe" "DescribeConfigs")
  "write" (list "Write" "Describe" "DescribeConfigs") -}}
{{- $topics := get (include "perennial.stageTopics" .root | fromYaml) .name -}}
{{- $rules := list -}}
{{- if and (eq .name "ingest") $v.tenantTopics.enabled -}}
{{- $topics = omit $topics "readPurge" -}}
{{- $rules = append $rules (dict "type" "topic" "name" (printf "%sin." $prefix) "patternType" "prefix" "operations" (list "Read" "Delete" "Describe")) -}}
{{- end -}}
{{- range $access := list "read" "readPurge" "readWrite" "write" -}}
{{- range $suffix := get $topics $access | default (list) -}}
{{- $rules = append $rules (dict "type" "topic" "name" (printf "%s%s" $prefix $suffix) "patternType" "literal" "operations" (get $operations $access)) -}}
{{- end -}}
{{- end -}}
{{- /* The keys of the ids, which the stages' config classes trim; an id not set (or empty) is
core's GroupIds: <prefix><stage>, under the default prefix perennial. the ids of earlier releases,
perennial-<stage>, so that an upgrade finds its groups' offsets and its Streams state. */ -}}
{{- $idKeys := dict "ingest" "perennial.ingest.application.id"
  "trainer-accumulator" "perennial.trainer.accumulator.application.id"
  "trainer-worker" "perennial.trainer.worker.group.id"
  "evaluator" "perennial.evaluator.group.id" -}}
{{- $id := "" -}}
{{- if hasKey $idKeys .name -}}
{{- $id = toString (get $settings (get $idKeys .name) | default "") | trim -}}
{{- if not $id -}}
{{- $id = printf "%s%s" $prefix .name -}}
{{- if eq $prefix "perennial." -}}
{{- $id = printf "perennial-%s" .name -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $group := "" -}}
{{- $transactionalId := dict -}}
{{- if has .name (list "ingest" "trainer-accumulator") -}}
{{- $rules = append $rules (dict "type" "topic" "name" (printf "%s-" $id) "patternType" "prefix" "operations" (list "All")) -}}
{{- $group = $id -}}
{{- $transactionalId = dict "name" (printf "%s-" $id) "patternType" "prefix" -}}
{{- else if has .name (list "trainer-worker" "evaluator") -}}
{{- $group = $id -}}
{{- /* Core's TransactionalIds: <prefix><stage>.<id>, under the default prefix perennial. the ids
of earlier releases, perennial-<stage>-<id>, so that an upgrade finds what it left open. */ -}}
{{- $transactionalIdPrefix := printf "%s%s." $prefix .name -}}
{{- if eq $prefix "perennial." -}}
{{- $transactionalIdPrefix = printf "perennial-%s-" .name -}}
{{- end -}}
{{- $transactionalId = dict "name" $transactionalIdPrefix "patternType" "prefix" -}}
{{- else if eq .name "publisher" -}}
{{- /* Core's GroupIds (PublisherConfig.instanceId): one group and transactional id per topic
prefix, <prefix>publisher under every prefix. */ -}}
{{- $group = printf "%spublisher" $prefix -}}
{{- $transactionalId = dict "name" $group "patternType" "literal" -}}
{{- end -}}
{{- $rules = append $rules (dict "type" "group" "name" $group "patternType" "literal" "operations" (list "Read" "Describe")) -}}
{{- $rules = append $rules (merge (dict "type" "transactionalId" "operations" (list "Write" "Describe")) $transactionalId) -}}
{{- range $rule := $rules }}
- resource:
    type: {{ $rule.type }}
    name: {{ $rule.name | quote }}
    patternType: {{ $rule.patternType }}
  operations:
    {{- range $rule.operations }}
    - {{ . }}
    {{- end }}
  host: "*"
{{- end }}
{{- end -}}

{{/*
perennial.properties: the properties file a component reads with --config: the shared settings the
chart manages, the component's own (its folders, the files of its Secrets), then `config` merged
with the component's own `config` (the component's win), which may set none of the former.
Call with (dict "root" $ "name" "ingest" "component" $component), $component from perennial.components.
*/}}
{{- define "perennial.properties" -}}
{{- $v := .root.Values -}}
{{- $paths := include "perennial.paths" .root | fromYaml -}}
{{- include "perennial.checkKeys" (dict "root" .root "keys" (keys $v.config) "where" "config" "plain" true) -}}
{{- $values := .component.values -}}
{{- include "perennial.checkKeys" (dict "root" .root "keys" (keys $values.config) "where" (printf "%s.config" .name) "plain" true) -}}
# {{ .name }}: rendered by the perennial chart; PERENNIAL_* environment variables override these.
bootstrap.servers={{ include "perennial.propertyValue" (required "kafka.bootstrapServers is required" $v.kafka.bootstrapServers) }}
schema.registry.url={{ include "perennial.propertyValue" (required "schemaRegistry.url is required" $v.schemaRegistry.url) }}
perennial.topic.prefix={{ include "perennial.propertyValue" $v.topics.prefix }}
perennial.topic.partitions={{ include "perennial.propertyValue" $v.topics.partitions }}
perennial.topic.replication.factor={{ include "perennial.propertyValue" $v.topics.replicationFactor }}
perennial.topic.retention.ms={{ include "perennial.propertyValue" $v.topics.retentionMs }}
perennial.topic.long.retention.ms={{ include "perennial.propertyValue" $v.topics.longRetentionMs }}
perennial.topic.keys.max.compaction.lag.ms={{ include "perennial.propertyValue" $v.topics.keysMaxCompactionLagMs }}
{{- if .component.sharedClaim }}
perennial.artifact.store.path={{ $paths.artifacts }}
{{- end }}
perennial.http.port={{ include "perennial.propertyValue" $v.http.port }}
security.protocol={{ $v.kafka.securityProtocol }}
{{- if include "perennial.saslEnabled" .root }}
sasl.mechanism={{ $v.kafka.sasl.mechanism }}
{{- end }}
{{- if $v.kafka.tls.caSecret.name }}
ssl.truststore.type=PEM
ssl.truststore.location={{ $paths.kafkaCa }}/ca.crt
{{- end }}
{{- if $v.kafka.tls.clientSecret.name }}
ssl.keystore.type=PKCS12
ssl.keystore.location={{ $paths.kafkaClient }}/keystore.p12
{{- end }}
{{- if $v.schemaRegistry.basicAuthSecret.name }}
basic.auth.credentials.source=USER_INFO
{{- end }}
{{- if include "perennial.registryCa" .root }}
schema.registry.ssl.truststore.type=PEM
schema.registry.ssl.truststore.location={{ $paths.registryCa }}/ca.crt
{{- end }}
{{- $own := deepCopy .component.settings }}
{{- $secretMounts := include "perennial.secretMountNames" .root | fromYaml }}
{{- range $secret, $key := .component.secretFiles }}
{{- $ref := get $v.secrets $secret }}
{{- $_ := required (printf "secrets.%s.name is required: %s reads it" $secret $.name) $ref.name }}
{{- $_ := set $own $key (printf "%s/%s/%s" $paths.secrets (get $secretMounts $secret) $ref.key) }}
{{- end }}
{{- range $secret, $key := .component.tenantFiles }}
{{- $ref := get $v.secrets $secret }}
{{- range $tenant := ternary $ref.tenants (list) (not (empty $ref.name)) }}
{{- $_ := set $own (printf "%s%s%s" $key.prefix $tenant $key.suffix) (printf "%s/%s/%s.jsonl" $paths.secrets (get $secretMounts $secret) $tenant) }}
{{- end }}
{{- end }}
{{- $settings := merge (deepCopy $values.config) $v.config }}
{{- range $key := keys $own | sortAlpha }}
{{- if hasKey $settings $key }}
{{- fail (printf "config or %s.config sets %s, which the chart sets for %s (see values.yaml)" $.name $key $.name) }}
{{- end }}
{{- end }}
{{- if $own }}
# {{ .name }}'s own, set by the chart
{{- range $key := keys $own | sortAlpha }}
{{ $key }}={{ include "perennial.propertyValue" (get $own $key) }}
{{- end }}
{{- end }}
{{- if $settings }}
# config and {{ .name }}.config
{{- range $key := keys $settings | sortAlpha }}
{{ $key }}={{ include "perennial.propertyValue" (get $settings $key) }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
perennial.topics: every Perennial topic, its name after the prefix and how long it keeps records,
as core's PerennialTopic enum lists them (a test holds the two equal): "standard" (retentionMs),
"content" (retentionMs, segments of keysMaxCompactionLagMs: the apps' content, which ingest deletes
once consumed), "long" (longRetentionMs), "compacted", or "shredding" (compacted within
keysMaxCompactionLagMs: the subjects' data keys).
*/}}
{{- define "perennial.topics" -}}
documents.v1: content
feedback.v1: content
consent.v1: compacted
examples.v1: long
rejected.v1: standard
erasures.v1: long
training-jobs.v1: standard
candidates.v1: standard
verdicts.v1: standard
releases.v1: compacted
audit.v1: long
subject-keys.v1: shredding
bases.v1: compacted
imports.v1: compacted
job-outcomes.v1: long
{{- end -}}

{{/*
perennial.tenantTopics: the topics each tenant of tenantTopics.tenants writes itself when tenants
have their own input topics (core's TenantTopics: <prefix>in.<tenant>.<suffix>), with their kinds
as in perennial.topics; empty otherwise.
*/}}
{{- define "perennial.tenantTopics" -}}
{{- $all := include "perennial.topics" . | fromYaml -}}
{{- if .Values.tenantTopics.enabled -}}
{{- $objectNames := dict -}}
{{- range $tenant := .Values.tenantTopics.tenants }}
{{- $objectName := include "perennial.objectNamePart" $tenant -}}
{{- if hasKey $objectNames $objectName -}}
{{- fail (printf "tenantTopics.tenants: %s and %s would share Kubernetes object names (%s)" (get $objectNames $objectName) $tenant $objectName) -}}
{{- end -}}
{{- $_ := set $objectNames $objectName $tenant -}}
{{- range $suffix := list "documents.v1" "feedback.v1" "consent.v1" }}
{{ printf "in.%s.%s" $tenant $suffix }}: {{ get $all $suffix }}
{{- end }}
{{- end }}
{{- end -}}
{{- end -}}

{{/*
perennial.objectNamePart: a topic or tenant name as part of a Kubernetes object name (a DNS-1123
label has no "." or "_" and no upper case), e.g. in.acme_eu.documents.v1 -> in-acme-eu-documents-v1.
KafkaTopics and KafkaUsers both name their objects this way.
*/}}
{{- define "perennial.objectNamePart" -}}
{{- . | lower | replace "_" "-" | replace "." "-" -}}
{{- end -}}

{{/*
perennial.topicConfig: the settings of a topic of one kind (see perennial.topics), as core's
TopicCatalog gives them (min.insync.replicas 2 from a replication factor of 3 on). Call with (dict "topics" .Values.topics "kind" "content").
*/}}
{{- define "perennial.topicConfig" -}}
{{- $topics := .topics -}}
{{- if or (eq .kind "compacted") (eq .kind "shredding") }}
cleanup.policy: compact
{{- else }}
cleanup.policy: delete
retention.ms: {{ ternary $topics.longRetentionMs $topics.retentionMs (eq .kind "long") | int64 | quote }}
{{- end }}
{{- if eq .kind "content" }}
segment.ms: {{ $topics.keysMaxCompactionLagMs | int64 | quote }}
{{- end }}
{{- if eq .kind "shredding" }}
segment.ms: {{ $topics.keysMaxCompactionLagMs | int64 | quote }}
max.compaction.lag.ms: {{ $topics.keysMaxCompactionLagMs | int64 | quote }}
min.compaction.lag.ms: "0"
file.delete.delay.ms: "1000"
message.timestamp.type: LogAppendTime
{{- end }}
{{- if ge (int $topics.replicationFactor) 3 }}
min.insync.replicas: "2"
{{- end }}
{{- end -}}
