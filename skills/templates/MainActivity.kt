// MainActivity.kt: run $tflite_file on Android with TensorFlow Lite (book chapter 13).
// app/build.gradle: implementation("org.tensorflow:tensorflow-lite:2.16.1")
// Copy $tflite_file to app/src/main/assets/ (and keep it uncompressed: androidResources { noCompress += "tflite" }).$note_line
package com.example.tutor

import android.os.Bundle
import android.util.Log
import androidx.appcompat.app.AppCompatActivity
import org.tensorflow.lite.Interpreter
import java.io.FileInputStream
import java.nio.MappedByteBuffer
import java.nio.channels.FileChannel

class MainActivity : AppCompatActivity() {
    private lateinit var tflite: Interpreter

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        tflite = Interpreter(loadModelFile("$tflite_file"))

        // One real validation row (expected answer: $label), input shape $shape.
        val example = $example_array
        val input = $input_array
        val output = Array(1) { FloatArray($output_size) }
        tflite.run(input, output)

        $answer_code
        Log.i("Tutor", "prediction: $$answer")
    }

    override fun onDestroy() {
        tflite.close()
        super.onDestroy()
    }

    private fun loadModelFile(name: String): MappedByteBuffer {
        val file = assets.openFd(name)
        FileInputStream(file.fileDescriptor).channel.use { channel ->
            return channel.map(FileChannel.MapMode.READ_ONLY, file.startOffset, file.declaredLength)
        }
    }
}
