# Image Catalog & Runner: built with the Maven Wrapper on a JDK 21, run on a JRE 21 as a non-root user.
#   docker build -t localhost:5001/catalog:dev .
ARG BUILD_IMAGE=eclipse-temurin:21-jdk
ARG RUNTIME_IMAGE=eclipse-temurin:21-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /build
# Dependencies first: this layer is rebuilt only when the pom or the wrapper changes, not for every source edit.
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -q dependency:go-offline
COPY src/main src/main
# Tests run in CI (scripts/test.sh), not in the image build; the result is target/catalog.jar + target/libs/.
RUN ./mvnw -B -q package -Dmaven.test.skip=true -Djacoco.skip=true

FROM ${RUNTIME_IMAGE}
ARG VERSION=dev
LABEL org.opencontainers.image.title="Image Catalog & Runner" \
      org.opencontainers.image.description="Browse a private Docker registry and run its images on a chosen Kubernetes node" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
# A fixed numeric user, so Kubernetes can verify runAsNonRoot without reading /etc/passwd of the image.
RUN groupadd --system --gid 10001 catalog \
 && useradd --system --uid 10001 --gid 10001 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin catalog
WORKDIR /app
# Libraries change less often than the application jar: separate layers.
COPY --from=build /build/target/libs/ /app/libs/
COPY --from=build /build/target/catalog.jar /app/catalog.jar
# Class-data sharing: a training start (the service stops once it listens; no registry is needed) archives the
# classes a start loads, so every pod maps them instead of parsing and verifying them: about half the CPU of a start
# and a second less to ready (README, "Restarts"). A JVM that cannot use the archive starts without it.
RUN java -XX:ArchiveClassesAtExit=/app/catalog.jsa -Dcatalog.training-run=true -jar /app/catalog.jar
USER 10001:10001
ENV JAVA_TOOL_OPTIONS="-XX:SharedArchiveFile=/app/catalog.jsa -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError" \
    CATALOG_CONFIG=/etc/catalog/application.yaml
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/app/catalog.jar"]
